import type { WeightMatrix } from "@pagoda/kernels-wgsl";
import { type ModelWeights, ropeInvFreq, type TensorHandle } from "@pagoda/model-loaders";
import type { ForwardPlan, PlanWeight } from "../model/plan.js";
import { weightParts } from "../model/plan-tensors.js";
import type { GpuBuffers } from "./gpu-buffers.js";
import { type FloatWeightDType, uploadMatrixSegments } from "./upload-matrix-segments.js";

/**
 * A forward plan's weights on the GPU, by plan name: matrices (fused ones, q|k|v and gate|up,
 * concatenated by rows) with float tensors in F32 or F16 and quantized ones in their own blocks,
 * vectors (norms, biases) and RoPE frequencies in F32.
 */
export interface GpuWeights {
  /** The dtype float matrices were stored in. */
  readonly dtype: FloatWeightDType;
  readonly matrices: ReadonlyMap<string, WeightMatrix>;
  readonly vectors: ReadonlyMap<string, GPUBuffer>;
  /** `[headDim / 2]` RoPE inverse frequencies (llama3 scaling applied). */
  readonly invFreq: GPUBuffer;
}

/** The matrix a plan op names (a missing one is a broken plan, not bad input). */
export function gpuMatrix(weights: GpuWeights, name: string): WeightMatrix {
  const m = weights.matrices.get(name);
  if (!m) throw new Error(`forward plan: no matrix ${name} was uploaded`);
  return m;
}

/** The vector a plan op names. */
export function gpuVector(weights: GpuWeights, name: string): GPUBuffer {
  const v = weights.vectors.get(name);
  if (!v) throw new Error(`forward plan: no vector ${name} was uploaded`);
  return v;
}

// Dawn stages every writeBuffer until the queue runs; waiting every so often bounds that memory.
const FLUSH_BYTES = 256 * 1024 * 1024;

/**
 * Uploads each weight of `plan` once, by name (a tied LM head is the embedding), reading one
 * weight's tensors at a time: BF16 / F16 checkpoints are widened exactly on read, then matrices
 * are narrowed to F16 when `dtype` is F16; quantized tensors go up as their packed blocks.
 * Reports progress in stored bytes after each tensor.
 */
export async function uploadWeights(
  buffers: GpuBuffers,
  plan: ForwardPlan,
  lazy: ModelWeights,
  dtype: FloatWeightDType,
  onProgress?: (loadedBytes: number, totalBytes: number) => void,
): Promise<GpuWeights> {
  const device = buffers.device;
  const handles = new Set(plan.weights.flatMap((w) => weightParts(lazy, w)));
  const totalBytes = [...handles].reduce((sum, h) => sum + h.byteLength, 0);
  const matrices = new Map<string, WeightMatrix>();
  const vectors = new Map<string, GPUBuffer>();
  let loaded = 0;
  let unflushed = 0;
  for (const w of plan.weights) {
    if (matrices.has(w.name) || vectors.has(w.name)) continue;
    const afterRead = (h: TensorHandle) => {
      loaded += h.byteLength;
      unflushed += h.byteLength;
      onProgress?.(loaded, totalBytes);
    };
    if (w.kind === "vector") {
      vectors.set(w.name, buffers.storageWith(w.name, await readRows(w, weightParts(lazy, w), afterRead)));
    } else {
      const m = await uploadMatrixSegments(device, w.name, w.cols, weightParts(lazy, w), dtype, afterRead);
      for (const part of m.parts) buffers.adopt(part.buffer);
      matrices.set(w.name, m);
    }
    if (unflushed >= FLUSH_BYTES) {
      await device.queue.onSubmittedWorkDone();
      unflushed = 0;
    }
  }
  const { headDim, ropeTheta: theta, ropeScaling } = plan.shape;
  const invFreq = buffers.storageWith(
    "rope.inv_freq",
    Float32Array.from(ropeInvFreq(headDim, theta, ropeScaling)),
  );
  return { dtype, matrices, vectors, invFreq };
}

// The weight's tensors read as F32 and concatenated by rows (the loaders checked their shapes).
async function readRows(
  w: PlanWeight,
  parts: readonly TensorHandle[],
  afterRead: (h: TensorHandle) => void,
): Promise<Float32Array> {
  const read = async (h: TensorHandle) => {
    const data = await h.read();
    afterRead(h);
    return data;
  };
  if (parts.length === 1) return read(parts[0] as TensorHandle);
  const out = new Float32Array(w.rows * w.cols);
  let at = 0;
  for (const h of parts) {
    const data = await read(h);
    out.set(data, at);
    at += data.length;
  }
  return out;
}
