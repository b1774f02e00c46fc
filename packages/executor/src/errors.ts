import { PagodaError } from "@pagoda/errors";

/** A step the executor cannot run: an inconsistent schedule, an unknown request, a bad model. */
export class ExecutorError extends PagodaError {}
