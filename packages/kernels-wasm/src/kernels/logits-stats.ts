import { KernelId } from "../kernel-ids.js";
import type { KernelRuntime } from "../runtime/kernel-runtime.js";

/** Arguments of `logitsStats`: per row, the max, the log-sum-exp and the argmax. */
export interface LogitsStatsArgs {
  /** F32 `[rows, stride]`. */
  readonly logits: number;
  readonly rows: number;
  readonly vocab: number;
  /** Floats between rows (default vocab). */
  readonly stride?: number;
  /** F32 `[rows, 2]`: max, then log Σ exp(logit). */
  readonly stats: number;
  /** i32 `[rows]`: first index of the max. */
  readonly argmax: number;
}

/** Launches logitsStats (for the sampler: greedy tokens and log-probabilities). */
export function logitsStats(rt: KernelRuntime, a: LogitsStatsArgs): void {
  const k = "logitsStats";
  const { rows, vocab } = a;
  rt.checkCount(k, "rows", rows);
  rt.checkCount(k, "vocab", vocab);
  const stride = a.stride ?? vocab;
  rt.checkCount(k, "stride", stride, vocab);
  rt.checkPtr(k, "logits", a.logits, ((rows - 1) * stride + vocab) * 4);
  rt.checkPtr(k, "stats", a.stats, rows * 8);
  rt.checkPtr(k, "argmax", a.argmax, rows * 4);
  const args = rt.args();
  args[0] = a.logits;
  args[1] = rows;
  args[2] = vocab;
  args[3] = stride;
  args[4] = a.stats;
  args[5] = a.argmax;
  rt.launch(KernelId.logitsStats, rows * vocab * 8);
}
