import { type WasmKernels, WeightType, weightRowBytes } from "@pagoda/kernels-wasm";
import type { ModelWeights as LazyWeights, TensorHandle } from "@pagoda/model-loaders";
import { f32ToF16 } from "@pagoda/model-loaders";
import type { ForwardPlan } from "../model/plan.js";
import { weightParts } from "../model/plan-tensors.js";
import type { WeightsProgress } from "../model/read-weights.js";

/** How matrices are stored: as the checkpoint stores them (`auto`), or converted to F32 / F16. */
export type WasmWeightDtype = "auto" | "f32" | "f16";

/** A plan weight in the WebAssembly memory. Vectors are always F32. */
export interface WasmWeight {
  readonly ptr: number;
  readonly type: WeightType;
  readonly rows: number;
  readonly cols: number;
}

/**
 * Copies every weight of the plan into the kernels' memory once, by name (a tied LM head is the
 * embedding). F16 and BF16 checkpoints are copied as stored, so the kernels read half the bytes
 * of F32; `f16` narrows other checkpoints.
 */
export async function loadWasmWeights(
  kernels: WasmKernels,
  plan: ForwardPlan,
  lazy: LazyWeights,
  dtype: WasmWeightDtype,
  onProgress?: WeightsProgress,
): Promise<Map<string, WasmWeight>> {
  const handles = new Set(plan.weights.flatMap((w) => weightParts(lazy, w)));
  const totalBytes = [...handles].reduce((sum, h) => sum + h.byteLength, 0);
  let loaded = 0;
  const out = new Map<string, WasmWeight>();
  for (const w of plan.weights) {
    if (out.has(w.name)) continue;
    const parts = weightParts(lazy, w);
    const type = w.kind === "vector" ? WeightType.F32 : storedType(parts, dtype);
    const ptr = kernels.alloc(w.rows * weightRowBytes(type, w.cols));
    let at = ptr;
    for (const h of parts) {
      at += await copyTensor(kernels, h, type, at);
      loaded += h.byteLength;
      onProgress?.(loaded, totalBytes);
    }
    out.set(w.name, { ptr, type, rows: w.rows, cols: w.cols });
  }
  return out;
}

function storedType(parts: readonly TensorHandle[], dtype: WasmWeightDtype): WeightType {
  if (dtype === "f32") return WeightType.F32;
  if (dtype === "f16") return WeightType.F16;
  const stored = new Set(parts.map((h) => h.dtype));
  if (stored.size === 1 && stored.has("F16")) return WeightType.F16;
  if (stored.size === 1 && stored.has("BF16")) return WeightType.BF16;
  return WeightType.F32;
}

// Returns the bytes written at `ptr`.
async function copyTensor(k: WasmKernels, h: TensorHandle, type: WeightType, ptr: number): Promise<number> {
  const same =
    (type === WeightType.F16 && h.dtype === "F16") ||
    (type === WeightType.BF16 && h.dtype === "BF16") ||
    (type === WeightType.F32 && h.dtype === "F32");
  if (same) {
    const raw = await h.readRaw();
    k.u8(ptr, raw.byteLength).set(raw);
    return raw.byteLength;
  }
  const values = await h.read();
  if (type === WeightType.F16) {
    k.u16(ptr, values.length).set(f32ToF16(values));
    return values.length * 2;
  }
  k.f32(ptr, values.length).set(values);
  return values.length * 4;
}
