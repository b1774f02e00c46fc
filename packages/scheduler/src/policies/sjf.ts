import type { RequestView } from "../request.js";
import { checkKnownOptions, numberOption, type PolicyOptions } from "./options.js";
import { byArrival, lastInOrder, type SchedulingPolicy } from "./policy.js";

/** Options of {@link SjfPolicy}. */
export interface SjfPolicyOptions {
  /** Prompt tokens a waiting request is credited per second of age (default 500). */
  agingTokensPerSecond?: number;
}

/**
 * Shortest job first on prompt length (the only length known at arrival), with aging. A request
 * that waited `w` seconds counts as `promptTokens - rate * w` tokens; because every waiting
 * request ages at the same rate, the order equals that of the fixed key
 * `promptTokens + rate * arrivalSeconds`, so the queue is a heap that is never re-sorted.
 *
 * Starvation bound: a request with an L-token prompt that arrived at t is overtaken only by
 * requests that arrive before t + (L - 1) / rate seconds (a later one has a larger key even
 * with a 1-token prompt). With the default rate, a 2,000-token prompt is overtaken only by
 * arrivals of the next 4 s. The running request with the largest key is preempted first.
 */
export class SjfPolicy implements SchedulingPolicy {
  readonly name = "sjf";
  private readonly agingPerMs: number;

  constructor(options: SjfPolicyOptions = {}) {
    this.agingPerMs = numberOption({ ...options }, "agingTokensPerSecond", 500, Number.MIN_VALUE) / 1000;
  }

  /** The request's fixed sort key: smaller is served first. */
  key(r: RequestView): number {
    return r.numPromptTokens + this.agingPerMs * r.arrivalTime;
  }

  compareWaiting(a: RequestView, b: RequestView): number {
    return this.key(a) - this.key(b) || byArrival(a, b);
  }

  pickVictim(candidates: readonly RequestView[]): RequestView {
    return lastInOrder(candidates, (a, b) => this.compareWaiting(a, b));
  }
}

/** Factory for the registry: options as {@link SjfPolicyOptions}. */
export function createSjfPolicy(options: PolicyOptions = {}): SjfPolicy {
  checkKnownOptions("sjf", options, ["agingTokensPerSecond"]);
  return new SjfPolicy({
    agingTokensPerSecond: numberOption(options, "agingTokensPerSecond", 500, Number.MIN_VALUE),
  });
}
