import type { RequestView } from "../request.js";
import { checkKnownOptions, type PolicyOptions } from "./options.js";
import { byArrival, lastInOrder, type SchedulingPolicy, type StepView } from "./policy.js";

/**
 * Static batching, the baseline from before continuous batching: a batch forms when nothing
 * is in flight, takes requests (FCFS, within the budgets) only until one of its members has
 * produced its first token, then runs to completion; nothing joins it mid-way. The next batch
 * forms when every member has finished. Members preempted by recompute go back to the front of
 * the queue and rejoin their own batch.
 *
 * Starvation bound: FCFS across batches; a request waits for the batches in flight and ahead
 * of it, each of which ends after at most its longest `maxTokens` decode steps.
 */
export class StaticPolicy implements SchedulingPolicy {
  readonly name = "static";
  private closed = false;

  compareWaiting(a: RequestView, b: RequestView): number {
    return isMember(b) - isMember(a) || byArrival(a, b);
  }

  pickVictim(candidates: readonly RequestView[]): RequestView {
    return lastInOrder(candidates, byArrival);
  }

  limitPrefill(request: RequestView, numTokens: number, view: StepView): number {
    if (isMember(request)) return numTokens;
    if (view.numActiveAtStart === 0) this.closed = false;
    return this.closed ? 0 : numTokens;
  }

  onTokensServed(_request: RequestView, _numComputed: number, numSampled: number): void {
    if (numSampled > 0) this.closed = true;
  }
}

/** 1 for a request already admitted once (a member of the batch in flight), else 0. */
function isMember(r: RequestView): number {
  return r.firstScheduledStep === null ? 0 : 1;
}

/** Factory for the registry: `static` takes no options. */
export function createStaticPolicy(options: PolicyOptions = {}): StaticPolicy {
  checkKnownOptions("static", options, []);
  return new StaticPolicy();
}
