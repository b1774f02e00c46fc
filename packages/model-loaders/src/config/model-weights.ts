import type { TensorHandle } from "../safetensors/tensor-handle.js";

/**
 * One decoder layer's weights, Hugging Face layout: projections are `[out, in]` row-major, q/k
 * rows already in the rotate-half order HF's RoPE uses (no permutation needed).
 */
export interface LayerWeights {
  /** `input_layernorm.weight` `[hidden]`. */
  readonly inputNorm: TensorHandle;
  /** `q_proj.weight` `[numHeads·headDim, hidden]`. */
  readonly q: TensorHandle;
  /** `k_proj.weight` `[numKvHeads·headDim, hidden]`. */
  readonly k: TensorHandle;
  /** `v_proj.weight` `[numKvHeads·headDim, hidden]`. */
  readonly v: TensorHandle;
  /** `o_proj.weight` `[hidden, numHeads·headDim]`. */
  readonly o: TensorHandle;
  /** q/k/v biases (`attentionBias`, Qwen2): `[numHeads·headDim]`, `[numKvHeads·headDim]` ×2. */
  readonly qBias?: TensorHandle;
  readonly kBias?: TensorHandle;
  readonly vBias?: TensorHandle;
  /** Per-head RMSNorm weights of q and k (`qkNorm`, Qwen3): `[headDim]`. */
  readonly qNorm?: TensorHandle;
  readonly kNorm?: TensorHandle;
  /** `post_attention_layernorm.weight` `[hidden]`. */
  readonly postAttnNorm: TensorHandle;
  /** `mlp.gate_proj.weight` / `up_proj.weight` `[intermediate, hidden]`. */
  readonly gate: TensorHandle;
  readonly up: TensorHandle;
  /** `mlp.down_proj.weight` `[hidden, intermediate]`. */
  readonly down: TensorHandle;
}

/** A whole model's weights as lazy handles, checked against its {@link ModelConfig}. */
export interface ModelWeights {
  /** `model.embed_tokens.weight` `[vocab, hidden]`. */
  readonly embedTokens: TensorHandle;
  readonly layers: readonly LayerWeights[];
  /** `model.norm.weight` `[hidden]`. */
  readonly finalNorm: TensorHandle;
  /** `lm_head.weight` `[vocab, hidden]`; the same handle as `embedTokens` when tied. */
  readonly lmHead: TensorHandle;
}
