import type { RequestView } from "../request.js";
import { checkKnownOptions, type PolicyOptions } from "./options.js";
import { byArrival, lastInOrder, type SchedulingPolicy } from "./policy.js";

/**
 * First come, first served (vLLM's default): the queue is in arrival order and the latest
 * arrival is preempted first. Starvation bound: none can occur, a request waits only for the
 * requests that arrived before it (a preempted request keeps its arrival, so it goes back to
 * the front).
 */
export class FcfsPolicy implements SchedulingPolicy {
  readonly name = "fcfs";

  compareWaiting(a: RequestView, b: RequestView): number {
    return byArrival(a, b);
  }

  pickVictim(candidates: readonly RequestView[]): RequestView {
    return lastInOrder(candidates, byArrival);
  }
}

/** Factory for the registry: `fcfs` takes no options. */
export function createFcfsPolicy(options: PolicyOptions = {}): FcfsPolicy {
  checkKnownOptions("fcfs", options, []);
  return new FcfsPolicy();
}
