import type { ModelConfig } from "../../config/model-config.js";
import { GGUF_ARCHITECTURE } from "./gguf-tensors.js";
import { GGUF_ALIGNMENT, type GgufMetadata, type GgufValue, gguf } from "./gguf-types.js";

/**
 * The `general.*` keys (`fileType`: a `GGUF_FILE_TYPE`) and the hyperparameters llama.cpp reads for `config`'s architecture
 * (`<arch>.context_length`, `.embedding_length`, `.block_count`, …). Key and value lengths are
 * written only where head_dim differs from hidden_size / num_heads, as llama.cpp's converter does.
 * llama3 RoPE scaling has no keys: it travels as the `rope_freqs.weight` tensor (see
 * `ggufTensors`), and a `rope.scaling.factor` would make llama.cpp scale a second time.
 */
export function modelMetadata(config: ModelConfig, name: string, fileType: number): GgufMetadata {
  const arch = GGUF_ARCHITECTURE[config.architecture];
  const k = (key: string) => `${arch}.${key}`;
  const out: [string, GgufValue][] = [
    ["general.architecture", gguf.string(arch)],
    ["general.name", gguf.string(name)],
    ["general.file_type", gguf.u32(fileType)],
    ["general.alignment", gguf.u32(GGUF_ALIGNMENT)],
    [k("vocab_size"), gguf.u32(config.vocabSize)],
    [k("context_length"), gguf.u32(config.maxPositionEmbeddings)],
    [k("embedding_length"), gguf.u32(config.hiddenSize)],
    [k("block_count"), gguf.u32(config.numLayers)],
    [k("feed_forward_length"), gguf.u32(config.intermediateSize)],
    [k("attention.head_count"), gguf.u32(config.numHeads)],
    [k("attention.head_count_kv"), gguf.u32(config.numKvHeads)],
    [k("attention.layer_norm_rms_epsilon"), gguf.f32(config.rmsNormEps)],
    [k("rope.freq_base"), gguf.f32(config.ropeTheta)],
    [k("rope.dimension_count"), gguf.u32(config.headDim)],
  ];
  if (config.headDim * config.numHeads !== config.hiddenSize) {
    out.push([k("attention.key_length"), gguf.u32(config.headDim)]);
    out.push([k("attention.value_length"), gguf.u32(config.headDim)]);
  }
  return out;
}
