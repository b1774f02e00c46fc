/** One decoding request to propose drafts for. */
export interface DraftRequest {
  /** The scheduler's id of the request (one sample of a user request). */
  requestId: string;
  /** Every token known so far: the prompt, then the output. The last one is not in any cache yet. */
  tokenIds: readonly number[];
  /** The most drafts to propose (the speculative length, trimmed by the caller). */
  maxDrafts: number;
}

/**
 * Proposes draft tokens for decoding requests, once per engine step; the target model then
 * verifies them all in one forward pass. Implementations keep per-request state between calls
 * (an n-gram index, a draft model's KV cache) and must stay correct when a request's tokens are
 * not an extension of what they saw last (rejected drafts, preemption, forks).
 */
export interface Proposer {
  /** `ngram` or `draft`, for logs and engine info. */
  readonly method: string;
  /** Requests whose state the proposer holds now. */
  readonly numRequests: number;
  /** reqId -> at most `maxDrafts` token ids (absent or empty: no proposal) for each request. */
  propose(requests: readonly DraftRequest[]): Promise<Map<string, number[]>>;
  /** Forgets a request (finished, aborted): frees its state and any blocks it holds. */
  drop(requestId: string): void;
  /** Releases what the proposer owns (a draft model's executor); unusable afterwards. */
  close(): Promise<void>;
}
