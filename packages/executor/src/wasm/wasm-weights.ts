import { type WasmKernels, WeightType, weightRowBytes } from "@pagoda/kernels-wasm";
import type { ModelWeights as LazyWeights, TensorDType, TensorHandle } from "@pagoda/model-loaders";
import { f32ToF16 } from "@pagoda/model-loaders";
import type { ForwardPlan } from "../model/plan.js";
import { weightParts } from "../model/plan-tensors.js";
import type { WeightsProgress } from "../model/read-weights.js";

/**
 * How matrices are stored: as the checkpoint stores them (`auto`: F32, F16, BF16, or the packed
 * Q8_0 / Q4_0 / Q4_K / Q6_K blocks of a GGUF), or converted to F32 / F16 (quantized tensors are
 * dequantized first).
 */
export type WasmWeightDtype = "auto" | "f32" | "f16";

/** Rows [firstRow, firstRow + rows) of a plan weight, stored in one type at `ptr`. */
export interface WasmSegment {
  readonly ptr: number;
  readonly type: WeightType;
  readonly firstRow: number;
  readonly rows: number;
}

/**
 * A plan weight in the WebAssembly memory: one segment, or several when its fused parts are
 * stored in different types (a Q4_K_M file may keep attn_v in Q6_K next to a Q4_K attn_q); each
 * segment is multiplied on its own into its output columns. Vectors are always one F32 segment.
 */
export interface WasmWeight {
  readonly rows: number;
  readonly cols: number;
  readonly segments: readonly WasmSegment[];
}

const QUANT_WEIGHT_TYPE: Partial<Record<TensorDType, WeightType>> = {
  Q8_0: WeightType.Q8_0,
  Q4_0: WeightType.Q4_0,
  Q4_K: WeightType.Q4_K,
  Q6_K: WeightType.Q6_K,
};

/** One allocation of a weight: consecutive parts stored in one type. */
interface SegmentLayout {
  readonly type: WeightType;
  readonly parts: readonly TensorHandle[];
  readonly rows: number;
  readonly bytes: number;
}

/** How each plan weight is stored, by name (a tied LM head is the embedding, laid out once). */
function weightLayout(
  plan: ForwardPlan,
  lazy: LazyWeights,
  dtype: WasmWeightDtype,
): Map<string, { rows: number; cols: number; segments: SegmentLayout[] }> {
  const out = new Map<string, { rows: number; cols: number; segments: SegmentLayout[] }>();
  for (const w of plan.weights) {
    if (out.has(w.name)) continue;
    const parts = weightParts(lazy, w);
    const types = w.kind === "vector" ? parts.map(() => WeightType.F32) : storedTypes(parts, dtype);
    const segments: SegmentLayout[] = [];
    for (let p = 0; p < parts.length; ) {
      // A run of consecutive parts of one type is one segment, in one allocation.
      const type = types[p] as WeightType;
      let end = p + 1;
      while (end < parts.length && types[end] === type) end++;
      const run = parts.slice(p, end);
      const rows = run.reduce((sum, h) => sum + h.numel, 0) / w.cols;
      segments.push({ type, parts: run, rows, bytes: rows * weightRowBytes(type, w.cols) });
      p = end;
    }
    out.set(w.name, { rows: w.rows, cols: w.cols, segments });
  }
  return out;
}

/** Bytes {@link loadWasmWeights} will allocate (alignment padding included), allocating nothing. */
export function wasmWeightBytes(plan: ForwardPlan, lazy: LazyWeights, dtype: WasmWeightDtype): number {
  let bytes = 0;
  for (const w of weightLayout(plan, lazy, dtype).values()) {
    for (const s of w.segments) bytes += s.bytes + ALLOC_ALIGN;
  }
  return bytes;
}

// kernels-wasm's default alignment: an allocation pads at most this much.
const ALLOC_ALIGN = 16;

/**
 * Copies every weight of the plan into the kernels' memory once, by name (a tied LM head is the
 * embedding). F16, BF16 and quantized checkpoints are copied as stored (`auto`), so the kernels
 * read fewer bytes than F32; `f16` narrows other checkpoints.
 */
export async function loadWasmWeights(
  kernels: WasmKernels,
  plan: ForwardPlan,
  lazy: LazyWeights,
  dtype: WasmWeightDtype,
  onProgress?: WeightsProgress,
): Promise<Map<string, WasmWeight>> {
  const layout = weightLayout(plan, lazy, dtype);
  const handles = new Set(plan.weights.flatMap((w) => weightParts(lazy, w)));
  const totalBytes = [...handles].reduce((sum, h) => sum + h.byteLength, 0);
  let loaded = 0;
  const out = new Map<string, WasmWeight>();
  for (const [name, w] of layout) {
    const segments: WasmSegment[] = [];
    let row = 0;
    for (const seg of w.segments) {
      const ptr = kernels.alloc(seg.bytes, ALLOC_ALIGN);
      let at = ptr;
      for (const h of seg.parts) {
        at += await copyTensor(kernels, h, seg.type, at);
        loaded += h.byteLength;
        onProgress?.(loaded, totalBytes);
      }
      segments.push({ ptr, type: seg.type, firstRow: row, rows: seg.rows });
      row += seg.rows;
    }
    out.set(name, { rows: w.rows, cols: w.cols, segments });
  }
  return out;
}

/** The type each part is kept in: quantized parts stay packed under `auto`; floats unify as before. */
function storedTypes(parts: readonly TensorHandle[], dtype: WasmWeightDtype): WeightType[] {
  if (dtype === "f32") return parts.map(() => WeightType.F32);
  if (dtype === "f16") return parts.map(() => WeightType.F16);
  const floats = new Set(parts.filter((h) => QUANT_WEIGHT_TYPE[h.dtype] === undefined).map((h) => h.dtype));
  const floatType =
    floats.size === 1 && floats.has("F16")
      ? WeightType.F16
      : floats.size === 1 && floats.has("BF16")
        ? WeightType.BF16
        : WeightType.F32;
  return parts.map((h) => QUANT_WEIGHT_TYPE[h.dtype] ?? floatType);
}

// Returns the bytes written at `ptr`.
async function copyTensor(k: WasmKernels, h: TensorHandle, type: WeightType, ptr: number): Promise<number> {
  const same =
    (type === WeightType.F16 && h.dtype === "F16") ||
    (type === WeightType.BF16 && h.dtype === "BF16") ||
    (type === WeightType.F32 && h.dtype === "F32") ||
    (QUANT_WEIGHT_TYPE[h.dtype] !== undefined && QUANT_WEIGHT_TYPE[h.dtype] === type);
  if (same) {
    const raw = await h.readRaw();
    k.u8(ptr, raw.byteLength).set(raw);
    return raw.byteLength;
  }
  // Converted (F32 / F16 targets only): read() widens floats and dequantizes packed blocks.
  const values = await h.read();
  if (type === WeightType.F16) {
    k.u16(ptr, values.length).set(f32ToF16(values));
    return values.length * 2;
  }
  k.f32(ptr, values.length).set(values);
  return values.length * 4;
}
