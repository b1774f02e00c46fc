/**
 * The ranges the sampling parameters are checked against, in one place so the docs, the HTTP
 * layer and the tests quote the same numbers. They follow OpenAI's API where it states a limit and
 * vLLM's where OpenAI has no such field.
 */
export const SAMPLING_LIMITS = {
  /** OpenAI's range; vLLM allows more, but above 2 the output is noise. */
  maxTemperature: 2,
  /** Presence and frequency penalties lie in [-2, 2] (OpenAI). */
  maxAbsPenalty: 2,
  /** Parallel samples per request: each one holds its own output blocks, so keep it bounded. */
  maxN: 16,
  /** OpenAI accepts at most four stop sequences. */
  maxStopStrings: 4,
  /** OpenAI's `logit_bias` range per token. */
  maxAbsLogitBias: 100,
  /** OpenAI's cap on `logit_bias` entries. */
  maxLogitBiasEntries: 300,
  /** vLLM's default `max_logprobs`. */
  maxLogprobs: 20,
  /**
   * Temperatures below this are treated as greedy: dividing logits by a near-zero number
   * overflows f32, and the result would be argmax anyway (vLLM uses the same epsilon).
   */
  greedyEpsilon: 1e-5,
  /** Longest `tenant` / `cache_salt`: they are map keys kept per request, so keep them bounded. */
  maxKeyLength: 256,
  /** `max_tokens` when the request gives none (OpenAI's completions default). */
  defaultMaxTokens: 16,
} as const;
