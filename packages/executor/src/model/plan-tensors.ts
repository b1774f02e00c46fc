import { ExecutorError } from "../errors.js";
import type { LayerTensor, PlanFeatures, PlanWeight, TensorRef } from "./plan.js";

/** The shape of the loaders' `ModelWeights`, over lazy tensor handles or read arrays alike. */
export interface WeightsOf<T> {
  readonly embedTokens: T;
  readonly layers: ReadonlyArray<{ readonly [K in LayerTensor]?: T }>;
  readonly finalNorm: T;
  readonly lmHead: T;
}

/** Which optional tensors the checkpoint has (read from its first layer). */
export function planFeatures<T>(weights: WeightsOf<T>): PlanFeatures {
  const first = weights.layers[0];
  return {
    tiedEmbeddings: weights.lmHead === weights.embedTokens,
    qkvBias: first?.qBias !== undefined,
    qkNorm: first?.qNorm !== undefined,
  };
}

/** The checkpoint tensor a plan reference names; a missing one is a broken plan, not bad input. */
export function resolveTensor<T>(weights: WeightsOf<T>, ref: TensorRef): T {
  const found = "layer" in ref ? weights.layers[ref.layer]?.[ref.tensor] : weights[ref.tensor];
  if (found === undefined) {
    const where = "layer" in ref ? `layer ${ref.layer} ${ref.tensor}` : ref.tensor;
    throw new ExecutorError("executor.missing_weight", `the model has no ${where} tensor`);
  }
  return found;
}

/** The tensors of a plan weight, in row order. */
export function weightParts<T>(weights: WeightsOf<T>, w: PlanWeight): T[] {
  return w.parts.map((ref) => resolveTensor(weights, ref));
}
