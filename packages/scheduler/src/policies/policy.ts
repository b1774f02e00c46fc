import type { RequestView } from "../request.js";

/** What the scheduler has decided so far in the current step, for {@link SchedulingPolicy.limitPrefill}. */
export interface StepView {
  /** The step being scheduled. */
  readonly step: number;
  /** Tokens scheduled so far this step: every running decode (and its speculative drafts) is already counted. */
  readonly numScheduledTokens: number;
  /** Tokens left in `maxNumBatchedTokens`. */
  readonly numTokensLeft: number;
  /** Requests in the running set now. */
  readonly running: readonly RequestView[];
  /** Requests admitted and unfinished when the step began (running, swapped, or preempted back to waiting). */
  readonly numActiveAtStart: number;
}

/**
 * A scheduling policy: the order of the queue, the victim when blocks run out, and optional
 * gates and hooks. The scheduler does the mechanics (budgets, blocks, preemption, diffs);
 * the policy only decides who. Implement it and register it with `registerPolicy` to use it by
 * name; the conformance suite (`policy.case.test.ts`) runs against every registered policy.
 *
 * Rules every policy must keep, or the scheduler's no-starvation bound is void:
 * `compareWaiting` is a strict total order (tie-break on `seq`) that does not change while two
 * requests wait (except between groups, with `groupOf`) unless `reorderWaiting` says so;
 * `mayPreemptFor(a, b)` and `mayPauseFor(a, b)` imply `a` before `b` in that order;
 * `limitPrefill` grants at least 1 token when nothing is running.
 */
export interface SchedulingPolicy {
  /** The name it is registered under. */
  readonly name: string;
  /** Order of waiting and swapped requests: negative when `a` is served before `b`. */
  compareWaiting(a: RequestView, b: RequestView): number;
  /** Which running request to preempt when blocks run out; `candidates` is never empty. */
  pickVictim(candidates: readonly RequestView[]): RequestView;
  /**
   * May the waiting `arrival`, which does not fit (no sequence slot or too few blocks), preempt
   * the running `victim` (the policy's `pickVictim`)? Absent: never.
   */
  mayPreemptFor?(arrival: RequestView, victim: RequestView): boolean;
  /**
   * May the waiting (or swapped) `arrival` take the step's token budget before the running
   * `prefill`'s next chunk? Then `arrival` is admitted first and the chunk gets what is left:
   * the prefill pauses, keeping its computed tokens and blocks. Absent: never (running prefills
   * take the budget before admission).
   */
  mayPauseFor?(arrival: RequestView, prefill: RequestView): boolean;
  /**
   * How many of `numTokens` prefill tokens `request` (waiting, or running and still filling)
   * may compute this step; 0 keeps it waiting. Absent: all of them.
   */
  limitPrefill?(request: RequestView, numTokens: number, view: StepView): number;
  /**
   * Splits the queue into groups (e.g. tenants) whose inner order never changes: the queue keeps
   * one heap per group and compares only the group heads with `compareWaiting`, so an order that
   * moves between groups every step costs no rebuild. A request's group must not change.
   */
  groupOf?(request: RequestView): string;
  /** True when the order of `compareWaiting` changed since the last call: the queues are rebuilt in O(n). */
  reorderWaiting?(): boolean;
  /** A request was added. */
  onArrival?(request: RequestView): void;
  /**
   * After a step: `numComputed` tokens went through the model for `request` (speculative drafts
   * included, accepted or not: they took the step's budget), `numSampled` came out and were kept.
   */
  onTokensServed?(request: RequestView, numComputed: number, numSampled: number): void;
  /** A request finished, stopped or was aborted. */
  onFinished?(request: RequestView): void;
}

/** Arrival order: `arrivalTime`, then `seq`. The tie-break every built-in order ends with. */
export function byArrival(a: RequestView, b: RequestView): number {
  return a.arrivalTime - b.arrivalTime || a.seq - b.seq;
}

/** The candidate that `compare` would serve last: the natural victim of an order-based policy. */
export function lastInOrder(
  candidates: readonly RequestView[],
  compare: (a: RequestView, b: RequestView) => number,
): RequestView {
  let worst = candidates[0] as RequestView;
  for (let i = 1; i < candidates.length; i++) {
    const c = candidates[i] as RequestView;
    if (compare(c, worst) > 0) worst = c;
  }
  return worst;
}
