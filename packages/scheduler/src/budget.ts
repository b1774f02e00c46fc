import { broken } from "./errors.js";
import type { SchedulerRequest } from "./request.js";

/**
 * The token budget of one step (`maxNumBatchedTokens`) and the requests scheduled against it,
 * in scheduling order (two parallel arrays: this is on every step's path). The sequence budget
 * (`maxNumSeqs`) bounds the running set instead, so it lives with the scheduler: a running
 * request holds its seat whether or not it is scheduled in a step.
 */
export class StepBudget {
  /** Scheduled requests, in order. */
  readonly requests: SchedulerRequest[] = [];
  /** `tokens[i]` tokens for `requests[i]`. */
  readonly tokens: number[] = [];
  private used = 0;

  constructor(readonly maxTokens: number) {}

  /** Tokens scheduled so far. */
  get numScheduledTokens(): number {
    return this.used;
  }

  /** Tokens still free this step. */
  get numTokensLeft(): number {
    return this.maxTokens - this.used;
  }

  /** Records `numTokens` (at least 1, within the budget) for `request`; the caller schedules each request once. */
  schedule(request: SchedulerRequest, numTokens: number): void {
    if (!(numTokens >= 1 && numTokens <= this.maxTokens - this.used)) {
      broken(`cannot schedule ${numTokens} tokens for ${request.requestId} with ${this.numTokensLeft} left`);
    }
    this.requests.push(request);
    this.tokens.push(numTokens);
    this.used += numTokens;
  }

  /** Adds `numTokens` (within the budget) to the `index`-th scheduled request: its speculative drafts. */
  grow(index: number, numTokens: number): void {
    if (!(index < this.requests.length && numTokens >= 1 && numTokens <= this.maxTokens - this.used)) {
      broken(`cannot add ${numTokens} tokens to scheduled request ${index} with ${this.numTokensLeft} left`);
    }
    this.tokens[index] = (this.tokens[index] as number) + numTokens;
    this.used += numTokens;
  }
}
