/**
 * Sampling parameters as they cross the scheduler → executor boundary: plain numbers, already
 * validated and defaulted by the engine. `0` / `1` / `null` mean "off" where noted.
 */
export interface SamplingParams {
  /** 0 = greedy (argmax, ties to the lowest id). */
  temperature: number;
  /** 1 = off. */
  topP: number;
  /** 0 = off. */
  topK: number;
  /** 0 = off. */
  minP: number;
  /** Per-request seed; `null` lets the engine pick one (still recorded, so runs can be replayed). */
  seed: number | null;
  /** 1 = off; over prompt and output tokens (HF / vLLM rule). */
  repetitionPenalty: number;
  /** 0 = off; over output tokens (OpenAI rule). */
  presencePenalty: number;
  /** 0 = off; over output tokens (OpenAI rule). */
  frequencyPenalty: number;
  /** Number of top log-probabilities to return per sampled token; `null` = none. */
  logprobs: number | null;
  /**
   * vLLM's `prompt_logprobs`: for every prompt token after the first, its log-probability and the
   * `promptLogprobs` most likely alternatives; absent or `null` = none. A request asking for them
   * takes no prefix-cache hits, so every prompt position goes through the model.
   */
  promptLogprobs?: number | null;
  /** Generation stops after this many output tokens. */
  maxTokens: number;
  /** Extra token ids that end generation (besides the model's EOS unless `ignoreEos`). */
  stopTokenIds: number[];
  ignoreEos: boolean;
  /**
   * OpenAI's `logit_bias`: `[tokenId, bias]` pairs (distinct ids) added to the logits after the
   * penalties, before the temperature; absent = none. Log-probabilities stay the raw logits'.
   */
  logitBias?: Array<[number, number]>;
  /**
   * vLLM's `min_tokens`: while fewer than `count` output tokens exist, `tokenIds` (the EOS ids
   * unless `ignoreEos`, and `stopTokenIds`) cannot be sampled; absent = off.
   */
  minTokens?: { count: number; tokenIds: number[] };
}

/** The parameters of plain greedy decoding, for tests and tools. */
export function greedyParams(maxTokens: number): SamplingParams {
  return {
    temperature: 0,
    topP: 1,
    topK: 0,
    minP: 0,
    seed: null,
    repetitionPenalty: 1,
    presencePenalty: 0,
    frequencyPenalty: 0,
    logprobs: null,
    maxTokens,
    stopTokenIds: [],
    ignoreEos: false,
  };
}
