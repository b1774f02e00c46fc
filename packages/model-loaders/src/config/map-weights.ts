import { WeightsError } from "../errors.js";
import { isFloatDType } from "../safetensors/dtype.js";
import type { TensorHandle } from "../safetensors/tensor-handle.js";
import type { ModelConfig } from "./model-config.js";
import type { LayerWeights, ModelWeights } from "./model-weights.js";

type Shape = readonly number[];
const fmt = (s: Shape) => `[${s.join(", ")}]`;

// Left-over tensors are an error: a bias or norm the config does not mention would silently be
// ignored and the outputs would be wrong. Old checkpoints store RoPE frequencies; those are not weights.
const IGNORED = /\.rotary_emb\.inv_freq$/;

/**
 * Maps Hugging Face tensor names to the canonical {@link ModelWeights}, checking every shape and
 * dtype against `config`. Errors ({@link WeightsError}) name `location`, the tensor, its shape
 * and the expected one.
 */
export function mapWeights(
  tensors: ReadonlyMap<string, TensorHandle>,
  config: ModelConfig,
  location: string,
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
  const embedTokens = take(
    "model.embed_tokens.weight",
    [config.vocabSize, h],
    `vocab_size ${config.vocabSize}, ${hw}`,
  );
  const layers: LayerWeights[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}.`;
    const a = `${p}self_attn.`;
    const layer: LayerWeights = {
      inputNorm: take(`${p}input_layernorm.weight`, [h], hw),
      q: take(`${a}q_proj.weight`, [qd, h], `${qw}, ${hw}`),
      k: take(`${a}k_proj.weight`, [kvd, h], `${kw}, ${hw}`),
      v: take(`${a}v_proj.weight`, [kvd, h], `${kw}, ${hw}`),
      o: take(`${a}o_proj.weight`, [h, qd], `${hw}, ${qw}`),
      ...(config.attentionBias && {
        qBias: take(`${a}q_proj.bias`, [qd], qw),
        kBias: take(`${a}k_proj.bias`, [kvd], kw),
        vBias: take(`${a}v_proj.bias`, [kvd], kw),
      }),
      ...(config.qkNorm && {
        qNorm: take(`${a}q_norm.weight`, [config.headDim], `head_dim ${config.headDim}`),
        kNorm: take(`${a}k_norm.weight`, [config.headDim], `head_dim ${config.headDim}`),
      }),
      postAttnNorm: take(`${p}post_attention_layernorm.weight`, [h], hw),
      gate: take(`${p}mlp.gate_proj.weight`, [ff, h], `${fw}, ${hw}`),
      up: take(`${p}mlp.up_proj.weight`, [ff, h], `${fw}, ${hw}`),
      down: take(`${p}mlp.down_proj.weight`, [h, ff], `${hw}, ${fw}`),
    };
    layers.push(layer);
  }
  const finalNorm = take("model.norm.weight", [h], hw);
  // Tied checkpoints sometimes still store lm_head; Hugging Face ignores it, and so do we.
  if (config.tieWordEmbeddings && tensors.has("lm_head.weight")) used.add("lm_head.weight");
  const lmHead = config.tieWordEmbeddings
    ? embedTokens
    : take("lm_head.weight", [config.vocabSize, h], `vocab_size ${config.vocabSize}, ${hw} (untied)`);
  checkLeftovers(tensors, used, config, location);
  return { embedTokens, layers, finalNorm, lmHead };
}

function checkTensor(t: TensorHandle, shape: Shape, why: string, location: string): void {
  if (!isFloatDType(t.dtype)) {
    throw new WeightsError(
      "weights.unsupported_dtype",
      `${location}: tensor ${t.name} is ${t.dtype}; weights must be F32, F16 or BF16`,
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
): void {
  const extra = [...tensors.keys()].filter((n) => !used.has(n) && !IGNORED.test(n));
  if (extra.length === 0) return;
  const layer = extra.map((n) => /^model\.layers\.(\d+)\./.exec(n)?.[1]).find((i) => i !== undefined);
  const hint =
    layer !== undefined && Number(layer) >= config.numLayers
      ? ` (layer ${layer} exists but config.json says num_hidden_layers ${config.numLayers})`
      : " (the config does not describe them, e.g. biases or norms of another architecture)";
  const shown = extra.slice(0, 5).join(", ") + (extra.length > 5 ? `, … (${extra.length} in all)` : "");
  throw new WeightsError("weights.unexpected_tensor", `${location}: unexpected tensors ${shown}${hint}`, {
    details: { location, tensors: extra },
  });
}
