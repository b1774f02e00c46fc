import { PagodaError } from "@pagoda/errors";

/** A bad command-line argument or input file; the CLI prints its message and exits 1. */
export class CliUsageError extends PagodaError {}
