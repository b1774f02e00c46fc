import type { PolicyOptions } from "../policies/options.js";
import type { PolicyFactory } from "../policies/registry.js";
import type { NewRequest, RequestView } from "../request.js";
import { Harness, prompt } from "./harness.js";

/** Hints of a request that every built-in treats as urgent, and of one none does. */
const URGENT: Partial<NewRequest> = { priority: 0, ttftTargetMs: 10, tenant: "u" };
const RELAXED: Partial<NewRequest> = { priority: 9, ttftTargetMs: 100_000, tenant: "r" };

function fail(message: string): never {
  throw new Error(`conformance: ${message}`);
}

/**
 * Budget preemption, the scenario: a 1,000-token prefill runs under a 64-token budget
 * when an 8-token request arrives at step 1, once urgent and once relaxed against it. When the
 * policy's `mayPauseFor` lets the arrival go first, it must also order it first, the arrival
 * must be scheduled at once (unless the policy's own `limitPrefill` holds it back), and the
 * prefill must pause intact: still running, its computed tokens kept, not preempted. Without
 * `mayPauseFor` nothing may take a running prefill's budget. Both finish with the model's tokens.
 */
export function checkBudgetPreemption(factory: PolicyFactory, policyOptions: PolicyOptions): void {
  for (const [longHints, shortHints] of [
    [RELAXED, URGENT],
    [URGENT, RELAXED],
  ]) {
    const h = new Harness({
      numBlocks: 160,
      blockSize: 16,
      maxNumBatchedTokens: 64,
      maxNumSeqs: 8,
      policy: factory(policyOptions),
    });
    const { policy } = h.scheduler;
    h.add("long", prompt(1000, 1), 4, longHints);
    h.step();
    h.add("short", prompt(8, 2), 4, shortHints);
    const long = h.scheduler.getRequest("long") as RequestView;
    const short = h.scheduler.getRequest("short") as RequestView;
    const computed = long.numComputedTokens;
    const pause = policy.mayPauseFor?.(short, long) ?? false;
    if (pause && !(policy.compareWaiting(short, long) < 0))
      fail(`mayPauseFor lets 'short' go before 'long' but compareWaiting orders it after`);
    const { out } = h.step();
    const took = h.scheduler.stats().numBudgetPreemptions > 0;
    if (took && !pause) fail("a request took a running prefill's budget without mayPauseFor");
    const shortFirst = out.scheduledNewReqs.some((r) => r.requestId === "short");
    if (pause && !shortFirst && policy.limitPrefill === undefined)
      fail("mayPauseFor lets 'short' pause the running prefill, but it was not scheduled at once");
    if (took) {
      const ran = out.numScheduledTokens.long ?? 0;
      if (long.status !== "RUNNING" || out.preemptedReqIds.includes("long"))
        fail("the paused prefill was preempted instead of paused");
      if (long.numComputedTokens !== computed + ran)
        fail(`the paused prefill has ${long.numComputedTokens} computed tokens, expected ${computed + ran}`);
    }
    h.run();
    for (const [id, n] of [
      ["long", 1000],
      ["short", 8],
    ] as const) {
      const tokens = h.results.get(id)?.tokens ?? [];
      if (JSON.stringify(tokens) !== JSON.stringify(h.expectedTokens(id, n, 4)))
        fail(`request ${id} got tokens ${JSON.stringify(tokens)} after a budget preemption`);
    }
    const kv = h.scheduler.stats().kv;
    if (kv.numUsedBlocks !== 0) fail(`${kv.numUsedBlocks} KV blocks leaked after a budget preemption`);
  }
}
