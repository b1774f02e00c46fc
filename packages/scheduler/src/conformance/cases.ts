import type { PolicyOptions } from "../policies/options.js";
import type { PolicyFactory } from "../policies/registry.js";
import type { PreemptionMode } from "../preemption.js";
import { checkBudgetPreemption } from "./budget-case.js";
import { runWorkload, WORKLOAD_BUDGET } from "./workload.js";

/** How {@link conformanceCases} runs a policy. */
export interface ConformanceOptions {
  /** Options handed to the factory (a fresh policy per run); default `{}`. */
  policyOptions?: PolicyOptions;
  /**
   * Require that the tight block pool really preempted (default true). Turn off only for a
   * policy that rarely fills the pool by design, such as `static` batches.
   */
  expectPreemption?: boolean;
}

/** One check of the suite: `run` throws an `Error` saying what broke, or returns. */
export interface ConformanceCase {
  name: string;
  run(): void;
}

function fail(message: string): never {
  throw new Error(`conformance: ${message}`);
}

function serveToCompletion(
  factory: PolicyFactory,
  options: ConformanceOptions,
  mode: PreemptionMode,
  seed: number,
  speculative = false,
): void {
  const { h, specs } = runWorkload(factory(options.policyOptions ?? {}), mode, seed, speculative);
  // No request lost or duplicated: each one finished exactly once, with the model's tokens.
  for (const s of specs) {
    for (const id of [s.id, ...s.samples]) {
      const r = h.results.get(id);
      if (r === undefined || r.finishReason === null) fail(`request ${id} never finished`);
      if (r.finishReason === "abort") {
        if (s.abortAt < 0) fail(`request ${id} was aborted but nobody aborted it`);
        continue;
      }
      const expected = h.expectedTokens(id, s.prompt.length, s.maxTokens);
      if (JSON.stringify(r.tokens) !== JSON.stringify(expected)) {
        fail(
          `request ${id} got tokens ${JSON.stringify(r.tokens)}, the model gives ${JSON.stringify(expected)}`,
        );
      }
      const reason = r.tokens.at(-1) === 0 ? "stop" : "length";
      if (r.finishReason !== reason)
        fail(`request ${id} finished by '${r.finishReason}', expected '${reason}'`);
    }
  }
  // Every block freed, every queue empty.
  const stats = h.scheduler.stats();
  const numRequests = specs.reduce((n, s) => n + 1 + s.samples.length, 0);
  const left = { waiting: stats.numWaiting, running: stats.numRunning, swapped: stats.numSwapped };
  if (left.waiting + left.running + left.swapped > 0) fail(`requests left behind: ${JSON.stringify(left)}`);
  if (stats.numFinished !== numRequests) fail(`${stats.numFinished} requests finished of ${numRequests}`);
  if (stats.kv.numUsedBlocks !== 0 || stats.kv.numFreeBlocks !== stats.kv.numTotalBlocks) {
    fail(`${stats.kv.numUsedBlocks} KV blocks leaked`);
  }
  if (stats.kv.numUsedHostBlocks !== 0) fail(`${stats.kv.numUsedHostBlocks} host (swap) blocks leaked`);
  // The pool is tight: the storm really happened.
  if (options.expectPreemption !== false) {
    if (stats.numRecomputePreemptions + stats.numSwapPreemptions === 0) fail("the workload never preempted");
    if (mode === "swap" && stats.numSwapPreemptions === 0) fail("the swap workload never swapped");
  }
  // Speculative drafts were scheduled, some accepted and some rejected, and changed no token.
  if (
    speculative &&
    !(stats.numAcceptedDraftTokens > 0 && stats.numAcceptedDraftTokens < stats.numDraftTokens)
  )
    fail(`drafts: ${stats.numAcceptedDraftTokens} accepted of ${stats.numDraftTokens}`);
  // The executor is told about every finished request and holds nothing afterwards.
  h.step();
  if (h.executor.states.size !== 0) fail(`the executor still holds ${h.executor.states.size} requests`);
}

function keepsBudgets(factory: PolicyFactory, options: ConformanceOptions): void {
  const { h } = runWorkload(factory(options.policyOptions ?? {}), "recompute", 5);
  for (const out of h.outputs) {
    if (out.totalNumScheduledTokens > WORKLOAD_BUDGET.maxNumBatchedTokens) {
      fail(`step ${out.step} schedules ${out.totalNumScheduledTokens} tokens, over the budget`);
    }
    const numSeqs = out.scheduledNewReqs.length + out.scheduledCachedReqs.length;
    if (numSeqs > WORKLOAD_BUDGET.maxNumSeqs) fail(`step ${out.step} schedules ${numSeqs} sequences`);
    if (out.totalNumScheduledTokens === 0) fail(`step ${out.step} made no progress`);
  }
}

/**
 * The checks every scheduling policy must pass, as plain cases (each throws on failure), for any
 * test runner. `describePolicyConformance` runs them under vitest.
 */
export function conformanceCases(
  factory: PolicyFactory,
  options: ConformanceOptions = {},
): ConformanceCase[] {
  const runs: [PreemptionMode, number][] = [
    ["recompute", 1],
    ["recompute", 2],
    ["swap", 3],
    ["swap", 4],
  ];
  return [
    ...runs.map(([mode, seed]) => ({
      name: `serves a random workload to completion (${mode}, seed ${seed}): no lost request, no leaked block`,
      run: () => serveToCompletion(factory, options, mode, seed),
    })),
    ...runs.slice(1, 3).map(([mode, seed]) => ({
      name: `serves it with speculative drafts (${mode}, seed ${seed}): the same tokens, no leaked block`,
      run: () => serveToCompletion(factory, options, mode, seed, true),
    })),
    {
      name: "never schedules more than the budgets allow, and always progresses",
      run: () => keepsBudgets(factory, options),
    },
    {
      name: "lets an urgent request take a running prefill's budget only by mayPauseFor, pausing it intact",
      run: () => checkBudgetPreemption(factory, options.policyOptions ?? {}),
    },
  ];
}
