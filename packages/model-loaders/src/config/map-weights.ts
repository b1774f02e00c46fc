import { WeightsError } from "../errors.js";
import { isQuantType } from "../quant/quant-types.js";
import { isFloatDType } from "../safetensors/dtype.js";
import type { TensorHandle } from "../safetensors/tensor-handle.js";
import type { ModelConfig } from "./model-config.js";
import type { LayerWeights, ModelWeights } from "./model-weights.js";

type Shape = readonly number[];
const fmt = (s: Shape) => `[${s.join(", ")}]`;

/** A layer tensor's role, as named in {@link LayerWeights}. */
export type LayerPart = keyof LayerWeights;

/** How a checkpoint format names the tensors of {@link ModelWeights}. */
export interface WeightNames {
  readonly embedTokens: string;
  readonly finalNorm: string;
  readonly lmHead: string;
  layer(index: number, part: LayerPart): string;
  /** The layer index in a tensor name of this format, if it has one. */
  layerOf(name: string): number | undefined;
  /**
   * Tensors that are not weights. Left-over tensors are otherwise an error: a bias or norm the
   * config does not mention would silently be ignored and the outputs would be wrong.
   */
  readonly ignored: RegExp;
}

const HF_PARTS: Readonly<Record<LayerPart, string>> = {
  inputNorm: "input_layernorm.weight",
  q: "self_attn.q_proj.weight",
  k: "self_attn.k_proj.weight",
  v: "self_attn.v_proj.weight",
  o: "self_attn.o_proj.weight",
  qBias: "self_attn.q_proj.bias",
  kBias: "self_attn.k_proj.bias",
  vBias: "self_attn.v_proj.bias",
  qNorm: "self_attn.q_norm.weight",
  kNorm: "self_attn.k_norm.weight",
  postAttnNorm: "post_attention_layernorm.weight",
  gate: "mlp.gate_proj.weight",
  up: "mlp.up_proj.weight",
  down: "mlp.down_proj.weight",
};

/** Hugging Face's tensor names (`model.layers.0.self_attn.q_proj.weight`). */
export const HF_WEIGHT_NAMES: WeightNames = {
  embedTokens: "model.embed_tokens.weight",
  finalNorm: "model.norm.weight",
  lmHead: "lm_head.weight",
  layer: (i, part) => `model.layers.${i}.${HF_PARTS[part]}`,
  layerOf: (name) => {
    const m = /^model\.layers\.(\d+)\./.exec(name);
    return m ? Number(m[1]) : undefined;
  },
  // Old checkpoints store RoPE frequencies.
  ignored: /\.rotary_emb\.inv_freq$/,
};

/**
 * Maps tensor names (Hugging Face's, or another format's `names`) to the canonical
 * {@link ModelWeights}, checking every shape and dtype against `config`. Errors
 * ({@link WeightsError}) name `location`, the tensor, its shape and the expected one.
 */
export function mapWeights(
  tensors: ReadonlyMap<string, TensorHandle>,
  config: ModelConfig,
  location: string,
  names: WeightNames = HF_WEIGHT_NAMES,
): ModelWeights {
  const used = new Set<string>();
  const take = (name: string, shape: Shape, why: string): TensorHandle => {
    const t = tensors.get(name);
    if (!t) {
      throw new WeightsError(
        "weights.missing_tensor",
        `${location}: tensor ${name} is missing (expected shape ${fmt(shape)} from ${why})`,
        { details: { location, tensor: name, expected: shape } },
      );
    }
    checkTensor(t, shape, why, location);
    used.add(name);
    return t;
  };
  const h = config.hiddenSize;
  const qd = config.numHeads * config.headDim;
  const kvd = config.numKvHeads * config.headDim;
  const ff = config.intermediateSize;
  const hw = `hidden_size ${h}`;
  const qw = `num_attention_heads ${config.numHeads} × head_dim ${config.headDim}`;
  const kw = `num_key_value_heads ${config.numKvHeads} × head_dim ${config.headDim}`;
  const fw = `intermediate_size ${ff}`;
  const embedTokens = take(names.embedTokens, [config.vocabSize, h], `vocab_size ${config.vocabSize}, ${hw}`);
  const layers: LayerWeights[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    const n = (part: LayerPart) => names.layer(i, part);
    const layer: LayerWeights = {
      inputNorm: take(n("inputNorm"), [h], hw),
      q: take(n("q"), [qd, h], `${qw}, ${hw}`),
      k: take(n("k"), [kvd, h], `${kw}, ${hw}`),
      v: take(n("v"), [kvd, h], `${kw}, ${hw}`),
      o: take(n("o"), [h, qd], `${hw}, ${qw}`),
      ...(config.attentionBias && {
        qBias: take(n("qBias"), [qd], qw),
        kBias: take(n("kBias"), [kvd], kw),
        vBias: take(n("vBias"), [kvd], kw),
      }),
      ...(config.qkNorm && {
        qNorm: take(n("qNorm"), [config.headDim], `head_dim ${config.headDim}`),
        kNorm: take(n("kNorm"), [config.headDim], `head_dim ${config.headDim}`),
      }),
      postAttnNorm: take(n("postAttnNorm"), [h], hw),
      gate: take(n("gate"), [ff, h], `${fw}, ${hw}`),
      up: take(n("up"), [ff, h], `${fw}, ${hw}`),
      down: take(n("down"), [h, ff], `${hw}, ${fw}`),
    };
    layers.push(layer);
  }
  const finalNorm = take(names.finalNorm, [h], hw);
  // Tied checkpoints sometimes still store lm_head; Hugging Face ignores it, and so do we.
  if (config.tieWordEmbeddings && tensors.has(names.lmHead)) used.add(names.lmHead);
  const lmHead = config.tieWordEmbeddings
    ? embedTokens
    : take(names.lmHead, [config.vocabSize, h], `vocab_size ${config.vocabSize}, ${hw} (untied)`);
  checkLeftovers(tensors, used, config, location, names);
  return { embedTokens, layers, finalNorm, lmHead };
}

function checkTensor(t: TensorHandle, shape: Shape, why: string, location: string): void {
  // Quantized blocks run along rows, so only matrices may be quantized.
  if (!isFloatDType(t.dtype) && !(isQuantType(t.dtype) && shape.length === 2)) {
    throw new WeightsError(
      "weights.unsupported_dtype",
      `${location}: tensor ${t.name} is ${t.dtype}; weights must be F32, F16 or BF16 (matrices also Q8_0, Q4_0, Q4_K or Q6_K)`,
      { details: { location, tensor: t.name, dtype: t.dtype } },
    );
  }
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return;
  const transposed =
    shape.length === 2 && t.shape.length === 2 && t.shape[0] === shape[1] && t.shape[1] === shape[0];
  throw new WeightsError(
    "weights.shape_mismatch",
    `${location}: tensor ${t.name} has shape ${fmt(t.shape)}, expected ${fmt(shape)} from ${why}` +
      (transposed ? " (it looks transposed)" : ""),
    { details: { location, tensor: t.name, shape: t.shape, expected: shape, transposed } },
  );
}

function checkLeftovers(
  tensors: ReadonlyMap<string, TensorHandle>,
  used: ReadonlySet<string>,
  config: ModelConfig,
  location: string,
  names: WeightNames,
): void {
  const extra = [...tensors.keys()].filter((n) => !used.has(n) && !names.ignored.test(n));
  if (extra.length === 0) return;
  const layer = extra.map((n) => names.layerOf(n)).find((i) => i !== undefined);
  const hint =
    layer !== undefined && layer >= config.numLayers
      ? ` (layer ${layer} exists but the config says num_hidden_layers ${config.numLayers})`
      : " (the config does not describe them, e.g. biases or norms of another architecture)";
  const shown = extra.slice(0, 5).join(", ") + (extra.length > 5 ? `, … (${extra.length} in all)` : "");
  throw new WeightsError("weights.unexpected_tensor", `${location}: unexpected tensors ${shown}${hint}`, {
    details: { location, tensors: extra },
  });
}
