import { invariant } from "./errors.js";
import type { SchedulerRequest } from "./request.js";

/**
 * The token budget of one step (`maxNumBatchedTokens`) and the requests scheduled against it,
 * in scheduling order. The sequence budget (`maxNumSeqs`) bounds the running set instead, so
 * it lives with the scheduler: a running request holds its seat whether or not it is scheduled.
 */
export class StepBudget {
  private readonly tokens = new Map<SchedulerRequest, number>();
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

  /** Requests scheduled so far. */
  get numScheduledReqs(): number {
    return this.tokens.size;
  }

  /** Records `numTokens` (at least 1, within the budget) for `request`. */
  schedule(request: SchedulerRequest, numTokens: number): void {
    invariant(
      numTokens >= 1 && numTokens <= this.numTokensLeft && !this.tokens.has(request),
      `cannot schedule ${numTokens} tokens for ${request.requestId} with ${this.numTokensLeft} left`,
    );
    this.tokens.set(request, numTokens);
    this.used += numTokens;
  }

  /** Tokens scheduled for `request` this step (0 when none). */
  tokensOf(request: SchedulerRequest): number {
    return this.tokens.get(request) ?? 0;
  }

  /** Every scheduled request with its tokens, in scheduling order. */
  entries(): IterableIterator<[SchedulerRequest, number]> {
    return this.tokens.entries();
  }
}
