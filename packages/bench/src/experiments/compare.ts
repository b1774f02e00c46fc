import { type LLM, loadPolicy, type PolicyOptions } from "@pagoda/engine";
import type { SchedulerStats } from "@pagoda/scheduler";
import type { BenchResult } from "../driver/bench-result.js";
import type { GoodputSlo } from "../driver/goodput.js";
import { type SimulationOptions, simulate } from "../driver/simulate.js";
import type { BenchRequest } from "../driver/trace.js";
import { runEngine } from "../engine/run-engine.js";
import type { SpecDecodeSummary } from "../engine/spec-decode-summary.js";
import { checkOption } from "../sim/errors.js";

/** Where a row of a comparison ran: the simulator in virtual time, or a real engine in wall time. */
export type CompareRunner = "sim" | "engine";

/** Options of {@link comparePolicies}. */
export interface CompareOptions {
  /** Registered policy names or module paths (`./mine.js`), loaded here. */
  policies: readonly string[];
  /** Options per policy, keyed as in `policies`; a policy without any gets its defaults. */
  policyOptions?: Readonly<Record<string, PolicyOptions>>;
  /** The one workload every policy serves. */
  requests: readonly BenchRequest[];
  /** The simulator's model, device and scheduler settings (policy, trace and goodput come from here). */
  sim: Omit<SimulationOptions, "requests" | "policy" | "goodput" | "onProgress">;
  /**
   * Builds a fresh real engine under `policy` (with its options, if any); without it only the
   * simulator runs. The simulator then gets the engine's device and host block counts, so both
   * run out of KV memory (and swap) at the same point.
   */
  engine?: (policy: string, policyOptions: PolicyOptions | undefined) => Promise<LLM>;
  goodput?: GoodputSlo;
  /** Told before each run starts, e.g. for a progress line. */
  onRun?: (policy: string, runner: CompareRunner) => void;
}

/** One policy on one runner: vLLM's result fields plus what explains them. */
export interface CompareRow {
  policy: string;
  runner: CompareRunner;
  result: BenchResult;
  num_steps: number;
  num_recompute_preemptions: number;
  num_swap_preemptions: number;
  /** Prefix-cache hits ÷ queries (blocks), 0..1. */
  prefix_cache_hit_rate: number;
  /** Device blocks still held at the end: 0 unless blocks leaked. */
  num_leaked_blocks: number;
  /** Drafts and acceptance of a speculating engine; null for the simulator and a plain engine. */
  spec_decode: SpecDecodeSummary | null;
}

/** The simulator's relative error against the engine for one policy (`sim / engine − 1`). */
export interface CompareFidelity {
  policy: string;
  output_throughput: number;
  ttft_p50: number | null;
  tpot_p50: number | null;
  e2e_p50: number | null;
}

/** What {@link comparePolicies} measured. */
export interface CompareResult {
  rows: CompareRow[];
  /** One entry per policy when the engine ran too; empty otherwise. */
  fidelity: CompareFidelity[];
}

/**
 * Serves one workload under each policy on the simulator and (when `engine` is given) on a real
 * engine, one run at a time, so the policies are compared on the same requests, lengths, arrival
 * times, tenants, priorities and shared prefixes.
 *
 * @example
 * const r = await comparePolicies({ policies: ["fcfs", "priority"], requests: trace, sim: { model, device } });
 */
export async function comparePolicies(options: CompareOptions): Promise<CompareResult> {
  const { policies, requests, goodput } = options;
  checkOption(policies.length > 0, "policies", "at least one policy", "none");
  const rows: CompareRow[] = [];
  const fidelity: CompareFidelity[] = [];
  for (const policy of policies) {
    const policyOptions = options.policyOptions?.[policy];
    await loadPolicy(policy, policyOptions);
    const llm = options.engine === undefined ? null : await options.engine(policy, policyOptions);
    const kv = llm?.parts.kvCache;
    options.onRun?.(policy, "sim");
    const sim = await simulate({
      ...options.sim,
      ...(kv !== undefined && {
        numBlocks: kv.devicePool.numTotalBlocks + 1,
        numHostBlocks: kv.hostPool.numTotalBlocks > 0 ? kv.hostPool.numTotalBlocks + 1 : 0,
      }),
      requests,
      policy,
      ...(policyOptions !== undefined && { policyOptions }),
      ...(goodput !== undefined && { goodput }),
    });
    const simRow = row(policy, "sim", sim.result, sim.steps.length, sim.stats, sim.numLeakedBlocks);
    rows.push(simRow);
    if (llm === null) continue;
    options.onRun?.(policy, "engine");
    try {
      const run = await runEngine(llm, requests, {
        seed: options.sim.seed ?? 0,
        ...(goodput !== undefined && { goodput }),
      });
      const engineRow = row(policy, "engine", run.result, run.steps.length, run.stats, run.numLeakedBlocks);
      engineRow.spec_decode = run.specDecode;
      rows.push(engineRow);
      fidelity.push(errorOf(simRow.result, engineRow.result, policy));
    } finally {
      await llm.close();
    }
  }
  return { rows, fidelity };
}

function row(
  policy: string,
  runner: CompareRunner,
  result: BenchResult,
  numSteps: number,
  stats: SchedulerStats,
  numLeakedBlocks: number,
): CompareRow {
  return {
    policy,
    runner,
    result,
    num_steps: numSteps,
    num_recompute_preemptions: stats.numRecomputePreemptions,
    num_swap_preemptions: stats.numSwapPreemptions,
    prefix_cache_hit_rate: stats.kv.prefixCacheHitRate,
    num_leaked_blocks: numLeakedBlocks,
    spec_decode: null,
  };
}

const relError = (sim: number | null, real: number | null) =>
  sim === null || real === null || real === 0 ? null : sim / real - 1;

function errorOf(sim: BenchResult, real: BenchResult, policy: string): CompareFidelity {
  return {
    policy,
    output_throughput: relError(sim.output_throughput, real.output_throughput) ?? 0,
    ttft_p50: relError(sim.ttft_ms.p50, real.ttft_ms.p50),
    tpot_p50: relError(sim.tpot_ms.p50, real.tpot_ms.p50),
    e2e_p50: relError(sim.e2e_ms.p50, real.e2e_ms.p50),
  };
}
