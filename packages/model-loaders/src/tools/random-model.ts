import { architectureOf, type ModelFamily } from "../config/architectures.js";
import type { FloatDType } from "../safetensors/dtype.js";
import type { TensorToWrite } from "../safetensors/writer.js";

/** The sizes of a random model; everything not given takes a small default. */
export interface RandomModelShapes {
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Default `numHeads`. */
  numKvHeads?: number;
  /** Default `hiddenSize / numHeads`. */
  headDim?: number;
  intermediateSize: number;
  vocabSize: number;
  /** Default 512. */
  maxPositionEmbeddings?: number;
  /** Default false. */
  tieWordEmbeddings?: boolean;
  /** Default 10000. */
  ropeTheta?: number;
  /** Default 1e-6. */
  rmsNormEps?: number;
  /** Default null. */
  bosTokenId?: number | null;
  /** Default none. */
  eosTokenIds?: readonly number[];
}

/** Options of the random model writer. */
export interface RandomModelOptions {
  /** Storage dtype of every tensor; default "F32". */
  dtype?: FloatDType;
  /** PRNG seed; the same seed gives the same bytes. Default 0. */
  seed?: number;
  /**
   * Multiplies the untied LM head's range (default 1). At 1 the logits spread by about 0.6, so
   * the next-token distribution is nearly flat and its top-1 is a near tie everywhere; about 8
   * peaks it like a trained model's, which accuracy tests (top-1 agreement) need.
   */
  lmHeadScale?: number;
}

const TORCH_DTYPE: Record<FloatDType, string> = { F32: "float32", F16: "float16", BF16: "bfloat16" };

/** The Hugging Face `config.json` of a random model of `family`, as its config class writes it. */
export function randomModelConfig(
  family: ModelFamily,
  s: RandomModelShapes,
  dtype: FloatDType,
): Record<string, unknown> {
  const maxPos = s.maxPositionEmbeddings ?? 512;
  const eos = s.eosTokenIds ?? [];
  const config: Record<string, unknown> = {
    architectures: [architectureOf(family)],
    model_type: family,
    hidden_size: s.hiddenSize,
    num_hidden_layers: s.numLayers,
    num_attention_heads: s.numHeads,
    num_key_value_heads: s.numKvHeads ?? s.numHeads,
    head_dim: s.headDim ?? s.hiddenSize / s.numHeads,
    intermediate_size: s.intermediateSize,
    vocab_size: s.vocabSize,
    max_position_embeddings: maxPos,
    rope_theta: s.ropeTheta ?? 10000,
    rope_scaling: null,
    rms_norm_eps: s.rmsNormEps ?? 1e-6,
    hidden_act: "silu",
    tie_word_embeddings: s.tieWordEmbeddings ?? false,
    bos_token_id: s.bosTokenId ?? null,
    eos_token_id: eos.length === 1 ? eos[0] : eos.length === 0 ? null : eos,
    torch_dtype: TORCH_DTYPE[dtype],
  };
  if (family === "mistral") config.sliding_window = null;
  if (family === "qwen2" || family === "qwen3") {
    Object.assign(config, {
      use_sliding_window: false,
      sliding_window: null,
      max_window_layers: s.numLayers,
    });
  }
  if (family !== "qwen2") config.attention_bias = false;
  return config;
}

// xorshift32 seeded per tensor (FNV-1a of its name), so any tensor can be generated on its own.
function uniform(seed: number, name: string): () => number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  let s = h >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function values(seed: number, name: string, n: number, center: number, scale: number): () => Float32Array {
  return () => {
    const next = uniform(seed, name);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = center + scale * (2 * next() - 1);
    return out;
  };
}

/**
 * The tensors of a random model of `family` with HF names, each generated lazily when written.
 * Projections are uniform in ±1/√fan_in, norm weights near 1, biases small, so activations stay
 * in a sane range for tests of a forward pass.
 */
export function randomModelTensors(
  family: ModelFamily,
  s: RandomModelShapes,
  options: RandomModelOptions = {},
): TensorToWrite[] {
  const dtype = options.dtype ?? "F32";
  const seed = options.seed ?? 0;
  const headDim = s.headDim ?? s.hiddenSize / s.numHeads;
  const qd = s.numHeads * headDim;
  const kvd = (s.numKvHeads ?? s.numHeads) * headDim;
  const h = s.hiddenSize;
  const ff = s.intermediateSize;
  const out: TensorToWrite[] = [];
  const add = (name: string, shape: number[], center: number, scale: number) => {
    out.push({
      name,
      dtype,
      shape,
      data: values(
        seed,
        name,
        shape.reduce((a, b) => a * b, 1),
        center,
        scale,
      ),
    });
  };
  const linear = (name: string, rows: number, cols: number) =>
    add(name, [rows, cols], 0, 1 / Math.sqrt(cols));
  const norm = (name: string, size: number) => add(name, [size], 1, 0.1);
  add("model.embed_tokens.weight", [s.vocabSize, h], 0, 1);
  for (let i = 0; i < s.numLayers; i++) {
    const p = `model.layers.${i}.`;
    norm(`${p}input_layernorm.weight`, h);
    linear(`${p}self_attn.q_proj.weight`, qd, h);
    linear(`${p}self_attn.k_proj.weight`, kvd, h);
    linear(`${p}self_attn.v_proj.weight`, kvd, h);
    linear(`${p}self_attn.o_proj.weight`, h, qd);
    if (family === "qwen2") {
      add(`${p}self_attn.q_proj.bias`, [qd], 0, 0.1);
      add(`${p}self_attn.k_proj.bias`, [kvd], 0, 0.1);
      add(`${p}self_attn.v_proj.bias`, [kvd], 0, 0.1);
    }
    if (family === "qwen3") {
      norm(`${p}self_attn.q_norm.weight`, headDim);
      norm(`${p}self_attn.k_norm.weight`, headDim);
    }
    norm(`${p}post_attention_layernorm.weight`, h);
    linear(`${p}mlp.gate_proj.weight`, ff, h);
    linear(`${p}mlp.up_proj.weight`, ff, h);
    linear(`${p}mlp.down_proj.weight`, h, ff);
  }
  norm("model.norm.weight", h);
  if (!s.tieWordEmbeddings)
    add("lm_head.weight", [s.vocabSize, h], 0, (options.lmHeadScale ?? 1) / Math.sqrt(h));
  return out;
}
