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
   * its known tokens, none for a prefill chunk that stops short of the end. A request with k
   * draft tokens (`SchedulerOutput.scheduledSpecTokens`) samples 1 to k + 1: the drafts accepted
   * by exact rejection sampling (a prefix of them), then one token sampled from the target at the
   * first rejected position (the residual distribution) or, when all k are accepted, after the
   * last draft. Outputs are distributed exactly as without drafts; greedy ones are identical.
   */
  sampledTokenIds: Record<string, number[]>;
  /**
   * reqId -> one entry per sampled token (drafts included), from the raw logits at its position,
   * for requests that asked for log-probabilities.
   */
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
