import { KernelId } from "../kernel-ids.js";
import type { KernelRuntime } from "../runtime/kernel-runtime.js";

/** Arguments of `swiglu`: `out[r, j] = silu(gateUp[r, j]) · gateUp[r, ffn + j]`. */
export interface SwigluArgs {
  /** F32 `[rows, 2 · ffn]`: gate in the first ffn columns, up in the second. */
  readonly gateUp: number;
  /** F32 `[rows, ffn]`. */
  readonly out: number;
  readonly rows: number;
  readonly ffn: number;
}

/** Launches swiglu (silu(g) = g / (1 + exp(−g)), f32). */
export function swiglu(rt: KernelRuntime, a: SwigluArgs): void {
  const k = "swiglu";
  rt.checkCount(k, "rows", a.rows);
  rt.checkCount(k, "ffn", a.ffn);
  rt.checkPtr(k, "gateUp", a.gateUp, a.rows * a.ffn * 8);
  rt.checkPtr(k, "out", a.out, a.rows * a.ffn * 4);
  const args = rt.args();
  args[0] = a.gateUp;
  args[1] = a.out;
  args[2] = a.rows;
  args[3] = a.ffn;
  rt.launch(KernelId.swiglu, a.rows * a.ffn * 8);
}
