import type { BenchResult } from "../driver/bench-result.js";
import type { SpecDecodeSummary } from "../engine/spec-decode-summary.js";
import { checkOption } from "../sim/errors.js";
import type { Runner, RunOutcome, RunSpec } from "./runner.js";

/** One row of a batch experiment. */
export interface BatchRow {
  max_num_seqs: number;
  policy: string;
  /** Mean sequences per step, over steps. */
  mean_batch: number;
  mean_step_ms: number;
  num_steps: number;
  result: BenchResult;
  /** Drafts and acceptance of a speculating engine; null otherwise. */
  spec_decode: SpecDecodeSummary | null;
}

/** Batch sizes 1, 2, 4 … up to and including `max` (which need not be a power of two). */
export function powersOfTwo(max: number): number[] {
  checkOption(Number.isSafeInteger(max) && max >= 1, "max batch size", "an integer >= 1", max);
  const sizes: number[] = [];
  for (let b = 1; b < max; b *= 2) sizes.push(b);
  sizes.push(max);
  return sizes;
}

/** The row of one finished run. */
export function batchRow(spec: Pick<RunSpec, "maxNumSeqs" | "policy">, outcome: RunOutcome): BatchRow {
  const { steps, result } = outcome;
  let seqs = 0;
  let seconds = 0;
  for (const s of steps) {
    seqs += s.numSeqs;
    seconds += s.seconds;
  }
  const n = Math.max(1, steps.length);
  return {
    max_num_seqs: spec.maxNumSeqs,
    policy: spec.policy,
    mean_batch: seqs / n,
    mean_step_ms: (seconds / n) * 1000,
    num_steps: steps.length,
    result,
    spec_decode: outcome.specDecode ?? null,
  };
}

/**
 * The classic experiment: the same trace at batch limits `sizes` (maxNumSeqs), one row each:
 * throughput rises with the batch while the device is memory-bound, latency rises with it too.
 */
export async function batchSweep(
  runner: Runner,
  spec: Omit<RunSpec, "maxNumSeqs">,
  sizes: readonly number[],
  onRow?: (row: BatchRow) => void,
): Promise<BatchRow[]> {
  const rows: BatchRow[] = [];
  for (const maxNumSeqs of sizes) {
    const row = batchRow({ maxNumSeqs, policy: spec.policy }, await runner({ ...spec, maxNumSeqs }));
    rows.push(row);
    onRow?.(row);
  }
  return rows;
}

/** Static against continuous batching on one trace and one batch limit. */
export interface StaticVsContinuous {
  static: BatchRow;
  continuous: BatchRow;
  /** Continuous ÷ static output tokens per second. */
  throughput_ratio: number;
}

/**
 * Runs the trace under the scheduler's `static` policy (a batch runs to completion before the
 * next forms) and under `fcfs` (continuous batching), at the same batch limit.
 */
export async function staticVsContinuous(
  runner: Runner,
  spec: Omit<RunSpec, "policy">,
): Promise<StaticVsContinuous> {
  const st = batchRow({ ...spec, policy: "static" }, await runner({ ...spec, policy: "static" }));
  const co = batchRow({ ...spec, policy: "fcfs" }, await runner({ ...spec, policy: "fcfs" }));
  const ratio =
    st.result.output_throughput === 0 ? 0 : co.result.output_throughput / st.result.output_throughput;
  return { static: st, continuous: co, throughput_ratio: ratio };
}
