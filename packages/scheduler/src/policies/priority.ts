import type { RequestView } from "../request.js";
import { checkKnownOptions, numberOption, type PolicyOptions } from "./options.js";
import { byArrival, lastInOrder, type SchedulingPolicy } from "./policy.js";

/** Options of {@link PriorityPolicy}. */
export interface PriorityPolicyOptions {
  /**
   * Priority levels a waiting request gains per second of age (default 1/60: one level a
   * minute). 0 gives strict priority, where sustained higher-priority load can delay a
   * request without bound.
   */
  agingPerSecond?: number;
}

/**
 * Priority scheduling, lower `priority` first (vLLM's rule), then arrival. Unlike vLLM's
 * priority mode, a higher-priority arrival that finds the batch full (no sequence slot, or too
 * few blocks) preempts the lowest-priority running request, and one that finds the token budget
 * taken by lower-priority prefill chunks goes first, pausing them (they keep their blocks). A
 * preempted request keeps its key, so it returns ahead of every later arrival of its priority.
 *
 * Aging makes the key `priority + agingPerSecond * arrivalSeconds`, fixed at arrival, so the
 * queue never needs re-sorting. Starvation bound: a request of priority p is overtaken only by
 * requests of priority q that arrive less than (p - q) / agingPerSecond seconds after it.
 */
export class PriorityPolicy implements SchedulingPolicy {
  readonly name = "priority";
  private readonly agingPerMs: number;

  constructor(options: PriorityPolicyOptions = {}) {
    this.agingPerMs = numberOption({ ...options }, "agingPerSecond", 1 / 60) / 1000;
  }

  /** The request's fixed sort key: smaller is served first. */
  key(r: RequestView): number {
    return r.priority + this.agingPerMs * r.arrivalTime;
  }

  compareWaiting(a: RequestView, b: RequestView): number {
    return this.key(a) - this.key(b) || byArrival(a, b);
  }

  pickVictim(candidates: readonly RequestView[]): RequestView {
    return lastInOrder(candidates, (a, b) => this.compareWaiting(a, b));
  }

  /** Only a strictly better key preempts, so two requests can never preempt each other in turn. */
  mayPreemptFor(arrival: RequestView, victim: RequestView): boolean {
    return this.key(arrival) < this.key(victim);
  }

  /** A strictly better key also takes the token budget from a running prefill's chunk. */
  mayPauseFor(arrival: RequestView, prefill: RequestView): boolean {
    return this.key(arrival) < this.key(prefill);
  }
}

/** Factory for the registry: options as {@link PriorityPolicyOptions}. */
export function createPriorityPolicy(options: PolicyOptions = {}): PriorityPolicy {
  checkKnownOptions("priority", options, ["agingPerSecond"]);
  return new PriorityPolicy({ agingPerSecond: numberOption(options, "agingPerSecond", 1 / 60) });
}
