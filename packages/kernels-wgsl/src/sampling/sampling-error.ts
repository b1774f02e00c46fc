import { PagodaError } from "@pagoda/errors";

/** Bad sampling input: a parameter out of range, a token id outside the vocabulary, a batch too large. */
export class SamplingError extends PagodaError {}
