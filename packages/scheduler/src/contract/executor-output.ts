/** The log-probability of one sampled token and the top alternatives, from the raw logits. */
export interface TokenLogprobs {
  tokenId: number;
  logprob: number;
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
}
