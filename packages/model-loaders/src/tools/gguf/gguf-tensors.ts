import { f32ToF16 } from "@pagoda/numerics";
import type { ModelFamily } from "../../config/architectures.js";
import type { ModelConfig } from "../../config/model-config.js";
import type { ModelWeights } from "../../config/model-weights.js";
import { isQuantType } from "../../quant/quant-types.js";
import type { TensorHandle } from "../../safetensors/tensor-handle.js";
import type { GgufTensorInfo } from "./encode-header.js";
import { type GgmlTypeName, ggmlRowBytes } from "./gguf-types.js";
import { permuteRotaryRows } from "./permute-qk.js";
import { llama3RopeFreqFactors } from "./rope-freqs.js";

/** The `general.architecture` llama.cpp knows each family by. */
export const GGUF_ARCHITECTURE: Readonly<Record<ModelFamily, string>> = {
  llama: "llama",
  mistral: "llama",
  qwen2: "qwen2",
  qwen3: "qwen3",
};

/** One tensor of the GGUF file and how to produce its bytes. */
export interface GgufTensor extends GgufTensorInfo {
  /** The tensor's data, little-endian, in `type`. */
  bytes(): Promise<Uint8Array>;
}

const asBytes = (a: Float32Array | Uint16Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A weight converted to `type`: raw bytes (packed blocks) when the dtype already matches, else through F32. */
async function encode(handle: TensorHandle, type: GgmlTypeName): Promise<Uint8Array> {
  if (handle.dtype === type) return handle.readRaw();
  const values = await handle.read();
  return type === "F32" ? asBytes(values) : asBytes(f32ToF16(values));
}

/**
 * The tensors of a GGUF file for `config` and `weights`, in llama.cpp's names and order. Quantized
 * matrices (a handle of a block format, see `quantizeWeights`) keep their format, other matrices
 * take `type`, 1-D tensors (norms, biases, RoPE factors) stay F32; for the `llama` architecture
 * the q/k rows (and biases) are permuted to GGML's interleaved RoPE layout, whole packed rows at a
 * time (blocks run along a row).
 */
export function ggufTensors(config: ModelConfig, weights: ModelWeights, type: "F32" | "F16"): GgufTensor[] {
  const permute = GGUF_ARCHITECTURE[config.architecture] === "llama";
  const out: GgufTensor[] = [];
  const add = (name: string, handle: TensorHandle, rotaryHeads = 0) => {
    const t: GgmlTypeName =
      handle.shape.length === 1 ? "F32" : isQuantType(handle.dtype) ? handle.dtype : type;
    const rowBytes = ggmlRowBytes(t, handle.shape.length === 1 ? 1 : (handle.shape[1] as number));
    out.push({
      name,
      type: t,
      dims: [...handle.shape].reverse(),
      bytes: async () => {
        const data = await encode(handle, t);
        return permute && rotaryHeads > 0 ? permuteRotaryRows(data, rotaryHeads, rowBytes) : data;
      },
    });
  };
  add("token_embd.weight", weights.embedTokens);
  if (config.ropeScaling) {
    const factors = llama3RopeFreqFactors(config.headDim, config.ropeTheta, config.ropeScaling);
    out.push({
      name: "rope_freqs.weight",
      type: "F32",
      dims: [factors.length],
      bytes: async () => asBytes(factors),
    });
  }
  weights.layers.forEach((l, i) => {
    const p = `blk.${i}.`;
    add(`${p}attn_norm.weight`, l.inputNorm);
    add(`${p}attn_q.weight`, l.q, config.numHeads);
    add(`${p}attn_k.weight`, l.k, config.numKvHeads);
    add(`${p}attn_v.weight`, l.v);
    if (l.qBias) add(`${p}attn_q.bias`, l.qBias, config.numHeads);
    if (l.kBias) add(`${p}attn_k.bias`, l.kBias, config.numKvHeads);
    if (l.vBias) add(`${p}attn_v.bias`, l.vBias);
    if (l.qNorm) add(`${p}attn_q_norm.weight`, l.qNorm);
    if (l.kNorm) add(`${p}attn_k_norm.weight`, l.kNorm);
    add(`${p}attn_output.weight`, l.o);
    add(`${p}ffn_norm.weight`, l.postAttnNorm);
    add(`${p}ffn_gate.weight`, l.gate);
    add(`${p}ffn_up.weight`, l.up);
    add(`${p}ffn_down.weight`, l.down);
  });
  add("output_norm.weight", weights.finalNorm);
  if (!config.tieWordEmbeddings) add("output.weight", weights.lmHead);
  return out;
}
