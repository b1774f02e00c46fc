import { type LayerPart, mapWeights, type WeightNames } from "../config/map-weights.js";
import type { ModelConfig } from "../config/model-config.js";
import type { LayerWeights, ModelWeights } from "../config/model-weights.js";
import type { TensorHandle } from "../safetensors/tensor-handle.js";
import { unpermutedHandle } from "./gguf-tensor-handle.js";

const PARTS: Readonly<Record<LayerPart, string>> = {
  inputNorm: "attn_norm.weight",
  q: "attn_q.weight",
  k: "attn_k.weight",
  v: "attn_v.weight",
  o: "attn_output.weight",
  qBias: "attn_q.bias",
  kBias: "attn_k.bias",
  vBias: "attn_v.bias",
  qNorm: "attn_q_norm.weight",
  kNorm: "attn_k_norm.weight",
  postAttnNorm: "ffn_norm.weight",
  gate: "ffn_gate.weight",
  up: "ffn_up.weight",
  down: "ffn_down.weight",
};

/** llama.cpp's tensor names (`blk.0.attn_q.weight`, `token_embd.weight`, `output.weight`). */
export const GGUF_WEIGHT_NAMES: WeightNames = {
  embedTokens: "token_embd.weight",
  finalNorm: "output_norm.weight",
  lmHead: "output.weight",
  layer: (i, part) => `blk.${i}.${PARTS[part]}`,
  layerOf: (name) => {
    const m = /^blk\.(\d+)\./.exec(name);
    return m ? Number(m[1]) : undefined;
  },
  // llama3 RoPE factors travel as a tensor; the config carries them (see ggufModelConfig).
  ignored: /^rope_freqs\.weight$/,
};

/**
 * The {@link ModelWeights} of a GGUF file, every shape checked against `config` by `mapWeights`
 * (errors name the GGUF tensor). For the `llama` architecture, q/k rows and biases come back
 * from GGML's interleaved RoPE order to Hugging Face's, lazily and row by row.
 */
export function ggufWeights(
  tensors: ReadonlyMap<string, TensorHandle>,
  config: ModelConfig,
  ggufArchitecture: string,
  location: string,
): ModelWeights {
  const w = mapWeights(tensors, config, location, GGUF_WEIGHT_NAMES);
  if (ggufArchitecture !== "llama") return w;
  const layers = w.layers.map(
    (l): LayerWeights => ({
      ...l,
      q: unpermutedHandle(l.q, config.numHeads),
      k: unpermutedHandle(l.k, config.numKvHeads),
      ...(l.qBias && { qBias: unpermutedHandle(l.qBias, config.numHeads) }),
      ...(l.kBias && { kBias: unpermutedHandle(l.kBias, config.numKvHeads) }),
    }),
  );
  return { ...w, layers };
}
