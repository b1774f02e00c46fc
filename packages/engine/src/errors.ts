import { PagodaError } from "@pagoda/errors";

/**
 * A sampling parameter out of range, of the wrong type, or a request that cannot fit the model's
 * context. Codes: `sampling.invalid` (with `details.param`, the offending field) and
 * `sampling.context_overflow` (with the prompt length, `max_tokens` and the context length).
 * The HTTP layer answers both with 400 and `param` taken from the details.
 */
export class SamplingParamsError extends PagodaError {}

/** The engine was called with arguments no caller should pass (a bug, not bad user input). */
export class EngineError extends PagodaError {}
