import {
  ropeInverseFrequencies,
  toF16,
  uploadMatrix,
  type WeightDType,
  type WeightMatrix,
} from "@pagoda/kernels-wgsl";
import type { ModelConfig, ModelWeights, TensorHandle } from "@pagoda/model-loaders";
import type { GpuBuffers } from "./gpu-buffers.js";

/** One decoder layer on the GPU: q/k/v fused into one matrix, gate/up into another. */
export interface GpuLayer {
  readonly inputNorm: GPUBuffer;
  /** `[(H + 2·Hkv)·D, hidden]`: q rows, then k rows, then v rows. */
  readonly qkv: WeightMatrix;
  /** `[(H + 2·Hkv)·D]` (Qwen2). */
  readonly qkvBias?: GPUBuffer;
  /** `[D]` (Qwen3). */
  readonly qNorm?: GPUBuffer;
  readonly kNorm?: GPUBuffer;
  readonly o: WeightMatrix;
  readonly postAttnNorm: GPUBuffer;
  /** `[2·F, hidden]`: gate rows then up rows, the layout `encodeSwiglu` reads. */
  readonly gateUp: WeightMatrix;
  readonly down: WeightMatrix;
}

/** A whole model on the GPU. Matrices are F32 or F16; norms, biases and RoPE frequencies F32. */
export interface GpuWeights {
  readonly dtype: WeightDType;
  readonly embed: WeightMatrix;
  readonly layers: readonly GpuLayer[];
  readonly finalNorm: GPUBuffer;
  /** The same matrix as `embed` when the checkpoint ties them. */
  readonly lmHead: WeightMatrix;
  /** `[headDim / 2]` RoPE inverse frequencies (llama3 scaling applied). */
  readonly invFreq: GPUBuffer;
}

// Dawn stages every writeBuffer until the queue runs; waiting every so often bounds that memory.
const FLUSH_BYTES = 256 * 1024 * 1024;

/**
 * Uploads a model's weights, reading one layer's tensors at a time (BF16 / F16 checkpoints are
 * widened exactly on read, then narrowed to F16 when `dtype` is F16), and reports progress in
 * stored bytes after each tensor.
 */
export async function uploadWeights(
  buffers: GpuBuffers,
  config: ModelConfig,
  lazy: ModelWeights,
  dtype: WeightDType,
  onProgress?: (loadedBytes: number, totalBytes: number) => void,
): Promise<GpuWeights> {
  const device = buffers.device;
  const handles = new Set<TensorHandle>([lazy.embedTokens, lazy.finalNorm, lazy.lmHead]);
  for (const l of lazy.layers) for (const h of Object.values(l)) if (h) handles.add(h as TensorHandle);
  const totalBytes = [...handles].reduce((sum, h) => sum + h.byteLength, 0);
  let loaded = 0;
  let unflushed = 0;
  const read = async (...hs: TensorHandle[]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for (const h of hs) {
      out.push(await h.read());
      loaded += h.byteLength;
    }
    return out;
  };
  const after = async (bytes: number) => {
    onProgress?.(loaded, totalBytes);
    unflushed += bytes;
    if (unflushed >= FLUSH_BYTES) {
      await device.queue.onSubmittedWorkDone();
      unflushed = 0;
    }
  };
  const matrix = async (label: string, hs: TensorHandle[], cols: number): Promise<WeightMatrix> => {
    const data = concat(await read(...hs));
    const m = uploadMatrix(device, {
      label,
      rows: data.length / cols,
      cols,
      data: dtype === "f16" ? toF16(data) : data,
    });
    for (const part of m.parts) buffers.adopt(part.buffer);
    await after(data.byteLength);
    return m;
  };
  const vector = async (label: string, hs: TensorHandle[]): Promise<GPUBuffer> => {
    const data = concat(await read(...hs));
    const buffer = buffers.storageWith(label, data);
    await after(data.byteLength);
    return buffer;
  };

  const hidden = config.hiddenSize;
  const embed = await matrix("embed_tokens", [lazy.embedTokens], hidden);
  const layers: GpuLayer[] = [];
  for (const [i, l] of lazy.layers.entries()) {
    const p = `layers.${i}`;
    const bias = l.qBias && l.kBias && l.vBias ? [l.qBias, l.kBias, l.vBias] : undefined;
    layers.push({
      inputNorm: await vector(`${p}.input_norm`, [l.inputNorm]),
      qkv: await matrix(`${p}.qkv`, [l.q, l.k, l.v], hidden),
      ...(bias && { qkvBias: await vector(`${p}.qkv_bias`, bias) }),
      ...(l.qNorm && { qNorm: await vector(`${p}.q_norm`, [l.qNorm]) }),
      ...(l.kNorm && { kNorm: await vector(`${p}.k_norm`, [l.kNorm]) }),
      o: await matrix(`${p}.o`, [l.o], config.numHeads * config.headDim),
      postAttnNorm: await vector(`${p}.post_attn_norm`, [l.postAttnNorm]),
      gateUp: await matrix(`${p}.gate_up`, [l.gate, l.up], hidden),
      down: await matrix(`${p}.down`, [l.down], config.intermediateSize),
    });
  }
  const finalNorm = await vector("final_norm", [lazy.finalNorm]);
  const lmHead = lazy.lmHead === lazy.embedTokens ? embed : await matrix("lm_head", [lazy.lmHead], hidden);
  const invFreq = buffers.storageWith(
    "rope.inv_freq",
    ropeInverseFrequencies({
      headDim: config.headDim,
      theta: config.ropeTheta,
      ...(config.ropeScaling && { llama3: config.ropeScaling }),
    }),
  );
  return { dtype, embed, layers, finalNorm, lmHead, invFreq };
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0] as Float32Array;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
