import {
  type ModelShape,
  modelParamCounts,
  type StepBatchShape,
  stepCost,
  validateModelShape,
} from "@pagoda/metrics";
import { checkOption } from "./errors.js";
import { nelderMead } from "./nelder-mead.js";
import type { SimDevice } from "./sim-device.js";

/** One measured step: its batch and its wall time. */
export interface TimedStep {
  batch: StepBatchShape;
  seconds: number;
  /** Weight in the fit (default 1): give each run the same say however many steps it took. */
  weight?: number;
}

/** A fitted device and how well it explains the steps it was fitted on. */
export interface DeviceFit {
  device: SimDevice;
  /** Weighted mean |predicted − measured| ÷ measured over the steps. */
  meanAbsRelError: number;
  numSteps: number;
}

/**
 * Fits the cost model's four constants (step overhead, per-sequence overhead, FLOP/s, bytes/s)
 * to measured steps, minimising the mean absolute relative error (robust to the odd step slowed
 * by another process) with Nelder–Mead over the logarithms, so every constant stays positive.
 * `base` supplies the fields a fit cannot see (name, memory size).
 */
export function fitDevice(
  shape: ModelShape,
  steps: readonly TimedStep[],
  base: Pick<SimDevice, "name" | "memoryBytes" | "memoryUtilization" | "source">,
): DeviceFit {
  validateModelShape(shape);
  checkOption(steps.length >= 8, "steps", "at least 8 measured steps", steps.length);
  const params = modelParamCounts(shape);
  const rows = steps.map((s) => {
    const c = stepCost(shape, s.batch, params);
    return { n: c.numSeqs, flops: c.flops, bytes: c.bytes, t: s.seconds, w: s.weight ?? 1 };
  });
  const predict = (x: readonly number[], r: (typeof rows)[number]) => {
    const [o, s, a, b] = x.map(Math.exp) as [number, number, number, number];
    return o + s * r.n + Math.max(a * r.flops, b * r.bytes);
  };
  const totalWeight = rows.reduce((sum, r) => sum + r.w, 0);
  const loss = (x: readonly number[]) => {
    let sum = 0;
    for (const r of rows) sum += r.w * Math.abs(predict(x, r) / r.t - 1);
    return sum / totalWeight;
  };
  // Start where compute explains everything: a = median(t / flops), the other terms small.
  const ratios = rows.map((r) => r.t / r.flops).sort((p, q) => p - q);
  const a0 = ratios[Math.floor(ratios.length / 2)] as number;
  const tMin = Math.min(...rows.map((r) => r.t));
  let best = nelderMead(loss, [Math.log(tMin / 10), Math.log(tMin / 100), Math.log(a0), Math.log(a0 / 100)]);
  // Restarts from the optimum escape the simplex collapsing on one face early.
  for (let i = 0; i < 3; i++) best = nelderMead(loss, best.x);
  const [o, s, a, b] = best.x.map(Math.exp) as [number, number, number, number];
  return {
    device: {
      ...base,
      peakFlopsPerSecond: 1 / a,
      memoryBytesPerSecond: 1 / b,
      stepOverheadSeconds: o,
      seqOverheadSeconds: s,
    },
    meanAbsRelError: best.value,
    numSteps: rows.length,
  };
}
