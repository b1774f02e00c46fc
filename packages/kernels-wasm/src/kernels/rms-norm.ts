import { KernelId } from "../kernel-ids.js";
import type { KernelRuntime } from "../runtime/kernel-runtime.js";

/** Arguments of `rmsNorm` over `[rows, width]` F32 rows (contiguous). */
export interface RmsNormArgs {
  readonly x: number;
  /** Optional F32 residual `[rows, width]`: `residual += x` is stored, then normalized. */
  readonly residual?: number;
  /** F32 weight `[width]`. */
  readonly weight: number;
  /** F32 output `[rows, width]` (may be x or the residual). */
  readonly out: number;
  readonly rows: number;
  readonly width: number;
  readonly eps: number;
}

/** Launches rmsNorm: `out = src / sqrt(mean(src²) + eps) · weight`, src = x or residual + x. */
export function rmsNorm(rt: KernelRuntime, a: RmsNormArgs): void {
  const k = "rmsNorm";
  const { rows, width } = a;
  rt.checkCount(k, "rows", rows);
  rt.checkCount(k, "width", width);
  if (!Number.isFinite(a.eps) || a.eps < 0) rt.fail(k, "eps", `must be a finite number >= 0, got ${a.eps}`);
  const bytes = rows * width * 4;
  rt.checkPtr(k, "x", a.x, bytes);
  const residual = a.residual ?? 0;
  if (residual !== 0) rt.checkPtr(k, "residual", residual, bytes);
  rt.checkPtr(k, "weight", a.weight, width * 4);
  rt.checkPtr(k, "out", a.out, bytes);
  const args = rt.args();
  args[0] = a.x;
  args[1] = residual;
  args[2] = a.weight;
  args[3] = a.out;
  args[4] = rows;
  args[5] = width;
  args[6] = a.eps;
  rt.launch(KernelId.rmsNorm, rows * width * 2);
}
