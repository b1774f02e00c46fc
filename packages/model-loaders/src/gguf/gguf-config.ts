import { type ModelConfig, parseModelConfig } from "../config/model-config.js";
import type { TensorHandle } from "../safetensors/tensor-handle.js";
import type { GgufFile } from "./gguf-file.js";
import { llama3ScalingFromFactors } from "./gguf-rope.js";

/** `general.architecture` values Pagoda runs, and the Hugging Face class each stands for. */
export const GGUF_ARCHITECTURES: Readonly<Record<string, string>> = {
  llama: "LlamaForCausalLM",
  qwen2: "Qwen2ForCausalLM",
  qwen3: "Qwen3ForCausalLM",
};

/**
 * The {@link ModelConfig} of a GGUF file: its `<arch>.*` hyperparameters are turned into the
 * equivalent Hugging Face config object and checked by `parseModelConfig` (one definition of
 * the checks). Tied embeddings when `output.weight` is absent; llama3 RoPE scaling from
 * `rope_freqs.weight`; biases and q/k norms from the tensors present. Missing or mistyped keys
 * throw `gguf.missing_key` / `gguf.bad_value` naming the key.
 */
export async function ggufModelConfig(gguf: GgufFile): Promise<ModelConfig> {
  const m = gguf.metadata;
  const arch = m.string("general.architecture", true);
  const cls = GGUF_ARCHITECTURES[arch];
  if (cls === undefined) {
    m.fail(
      "unsupported_architecture",
      `general.architecture ${JSON.stringify(arch)} is not supported; supported: ${Object.keys(GGUF_ARCHITECTURES).join(", ")}`,
      { architecture: arch },
    );
  }
  const k = (key: string) => `${arch}.${key}`;
  const hidden = m.uint(k("embedding_length"));
  const heads = m.uint(k("attention.head_count"));
  const headDim = m.has(k("attention.key_length")) ? m.uint(k("attention.key_length")) : undefined;
  const ropeDims = m.has(k("rope.dimension_count")) ? m.uint(k("rope.dimension_count")) : undefined;
  const theta = m.number(k("rope.freq_base"), 10000);
  const tokens = m.strings("tokenizer.ggml.tokens");
  const embed = gguf.tensors.get("token_embd.weight");
  const json: Record<string, unknown> = {
    architectures: [cls],
    hidden_size: hidden,
    num_hidden_layers: m.uint(k("block_count")),
    intermediate_size: m.uint(k("feed_forward_length")),
    num_attention_heads: heads,
    num_key_value_heads: m.uint(k("attention.head_count_kv"), heads),
    max_position_embeddings: m.uint(k("context_length")),
    rms_norm_eps: m.number(k("attention.layer_norm_rms_epsilon")),
    rope_theta: theta,
    head_dim: headDim,
    vocab_size: tokens?.length ?? m.uint(k("vocab_size"), embed?.shape[0] ?? 0),
    tie_word_embeddings: !gguf.tensors.has("output.weight"),
    attention_bias: gguf.tensors.has("blk.0.attn_q.bias"),
    bos_token_id: m.has("tokenizer.ggml.bos_token_id") ? m.uint("tokenizer.ggml.bos_token_id") : undefined,
    eos_token_id: m.has("tokenizer.ggml.eos_token_id") ? m.uint("tokenizer.ggml.eos_token_id") : undefined,
  };
  const effectiveHeadDim = headDim ?? hidden / heads;
  if (ropeDims !== undefined && ropeDims !== effectiveHeadDim) {
    m.fail(
      "bad_value",
      `${k("rope.dimension_count")} is ${ropeDims} but heads are ${effectiveHeadDim} wide; partial rotary embeddings are not supported`,
      { key: k("rope.dimension_count") },
    );
  }
  const scalingType = m.string(k("rope.scaling.type"));
  if (scalingType !== null && scalingType !== "none") json.rope_scaling = { rope_type: scalingType };
  const freqs = gguf.tensors.get("rope_freqs.weight");
  if (freqs) json.rope_scaling = await ropeScalingJson(freqs, effectiveHeadDim, theta, m.fail.bind(m));
  return parseModelConfig(json, `${m.file} (GGUF metadata as config.json)`);
}

async function ropeScalingJson(
  freqs: TensorHandle,
  headDim: number,
  theta: number,
  fail: (code: string, reason: string) => never,
): Promise<Record<string, unknown> | null> {
  const s = llama3ScalingFromFactors(await freqs.read(), headDim, theta);
  if (s === null && (await freqs.read()).some((f) => f !== 1)) {
    fail("bad_value", "rope_freqs.weight holds RoPE factors that llama3 scaling does not produce");
  }
  return (
    s && {
      rope_type: "llama3",
      factor: s.factor,
      low_freq_factor: s.lowFreqFactor,
      high_freq_factor: s.highFreqFactor,
      original_max_position_embeddings: s.originalMaxPositionEmbeddings,
    }
  );
}
