import type { PolicyOptions } from "@pagoda/scheduler";
import type { CostModel } from "../sim/cost-model.js";
import type { GoodputSlo } from "./goodput.js";

/**
 * The `slo` policy's linear step-cost model (base + per token) fitted to the device: base is a
 * one-token decode step, per-token the marginal cost of a 1,024-token prefill. With `slo`, its
 * targets become the policy's defaults.
 */
export function sloPolicyOptions(cost: CostModel, slo?: GoodputSlo): PolicyOptions {
  const one = cost.time({ numNewTokens: [1], numContextTokens: [0] }).seconds * 1000;
  const big = cost.time({ numNewTokens: [1024], numContextTokens: [0] }).seconds * 1000;
  return {
    stepBaseMs: one,
    stepPerTokenMs: Math.max((big - one) / 1023, 1e-6),
    ...(slo?.ttft !== undefined && { defaultTtftMs: slo.ttft }),
    ...(slo?.tpot !== undefined && { defaultTpotMs: slo.tpot }),
  };
}
