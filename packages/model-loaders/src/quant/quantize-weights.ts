import type { ModelConfig } from "../config/model-config.js";
import type { LayerWeights, ModelWeights } from "../config/model-weights.js";
import type { TensorHandle } from "../safetensors/tensor-handle.js";
import { checkQuantScheme, matrixQuantType, type QuantScheme } from "./quant-scheme.js";
import { quantizedHandle } from "./quantized-handle.js";

const MATRICES = ["q", "k", "v", "o", "gate", "up", "down"] as const;

/**
 * `weights` with every matrix (q, k, v, o, gate, up, down, embedding, LM head) quantized lazily by
 * `scheme` (see {@link matrixQuantType}); norms and biases are untouched. A tied embedding stays
 * one handle shared by `embedTokens` and `lmHead`.
 *
 * @example const q = quantizeWeights(model.weights, model.config, "q4_k"); // q.layers[0].q.dtype === "Q4_K"
 */
export function quantizeWeights(
  weights: ModelWeights,
  config: ModelConfig,
  scheme: QuantScheme,
): ModelWeights {
  checkQuantScheme(scheme);
  const done = new Map<TensorHandle, TensorHandle>();
  const convert = (h: TensorHandle, output: boolean): TensorHandle => {
    const seen = done.get(h);
    if (seen) return seen;
    const type = h.shape.length === 2 ? matrixQuantType(scheme, h.shape[1] as number, output) : null;
    const out = type === null || h.dtype === type ? h : quantizedHandle(h, type);
    done.set(h, out);
    return out;
  };
  // The LM head first, so a tied embedding gets the output's format.
  const tied = config.tieWordEmbeddings || weights.lmHead === weights.embedTokens;
  const lmHead = convert(weights.lmHead, true);
  const embedTokens = convert(weights.embedTokens, tied);
  const layers = weights.layers.map((l): LayerWeights => {
    const quantized: Partial<Record<(typeof MATRICES)[number], TensorHandle>> = {};
    for (const name of MATRICES) quantized[name] = convert(l[name], false);
    return { ...l, ...quantized };
  });
  return { ...weights, embedTokens, lmHead, layers };
}
