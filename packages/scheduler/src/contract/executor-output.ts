/** The log-probability of one sampled token and the top alternatives, from the raw logits. */
export interface TokenLogprobs {
  tokenId: number;
  logprob: number;
  /** 1 + the number of tokens strictly more likely than `tokenId`, when the executor reports it. */
  rank?: number;
  /** [tokenId, logprob] best first; as many as the request asked for. */
  top: Array<[number, number]>;
}

/** What one executed step returns: plain data, keyed by request id. */
export interface ExecutorOutput {
  /**
   * reqId -> tokens sampled this step: one for a request whose scheduled tokens reach the end of
   * its known tokens, none for a prefill chunk that stops short of the end.
   */
  sampledTokenIds: Record<string, number[]>;
  /** reqId -> one entry per sampled token, for requests that asked for log-probabilities. */
  logprobs: Record<string, TokenLogprobs[]>;
  /**
   * reqId -> the prompt log-probabilities this step computed, for requests whose
   * `samplingParams.promptLogprobs` is set and whose scheduled tokens include prompt positions.
   */
  promptLogprobs?: Record<string, PromptLogprobsChunk>;
}

/**
 * Prompt log-probabilities of a run of consecutive prompt positions: `entries[i]` scores prompt
 * token `start + i` (`start >= 1`: the first prompt token has none), from the logits after the
 * tokens before it. A prefill chunk scores the tokens its positions predict; a recompute after a
 * preemption scores them again, identically.
 */
export interface PromptLogprobsChunk {
  start: number;
  entries: TokenLogprobs[];
}
