import type { PolicyOptions } from "@pagoda/scheduler";
import type { CostModel } from "../sim/cost-model.js";
import type { GoodputSlo } from "./goodput.js";

/**
 * The `slo` policy's linear step-cost model (base + per token) fitted to the device: base is a
 * one-token decode step, per-token the marginal cost of a 1,024-token prefill (the chord of a
 * convex curve, so it does not underestimate the steps in between). With `slo`, its targets
 * become the policy's defaults. `given` options (`--policy-options`) win key by key, so setting
 * a target keeps the fitted cost model.
 *
 * @example
 * sloPolicyOptions(new CostModel(shape, MEASURED_DEVICE), undefined, { defaultTtftMs: 200 });
 */
export function sloPolicyOptions(
  cost: CostModel,
  slo?: GoodputSlo,
  given: PolicyOptions = {},
): PolicyOptions {
  const one = cost.time({ numNewTokens: [1], numContextTokens: [0] }).seconds * 1000;
  const big = cost.time({ numNewTokens: [1024], numContextTokens: [0] }).seconds * 1000;
  return {
    stepBaseMs: one,
    stepPerTokenMs: Math.max((big - one) / 1023, 1e-6),
    ...(slo?.ttft !== undefined && { defaultTtftMs: slo.ttft }),
    ...(slo?.tpot !== undefined && { defaultTpotMs: slo.tpot }),
    ...given,
  };
}

/**
 * A policy's options with the device's calibration filled in: for `slo`, the step-cost model of
 * `cost` (a simulated device, or the `measured` profile `bench:calibrate` fits to the CPU
 * engine) under the `given` options; any other policy gets `given` unchanged. Without `cost`,
 * `slo` keeps its given (or default) cost model.
 */
export function calibratedPolicyOptions(
  policy: string,
  given: PolicyOptions | undefined,
  cost: CostModel | undefined,
  slo?: GoodputSlo,
): PolicyOptions {
  if (policy !== "slo" || cost === undefined) return given ?? {};
  return sloPolicyOptions(cost, slo, given);
}
