import type { QuantType } from "@pagoda/model-loaders";
import { createStorageBuffer } from "./buffers.js";
import { KernelError } from "./kernel-error.js";
import {
  checkQuantRows,
  packQuantRows,
  QUANT_DTYPE,
  type QuantDType,
  quantGpuRowBytes,
} from "./quant-layout.js";

/**
 * Element type of a weight matrix on the GPU: F32, F16 (packed halves, see README) or a GGUF
 * block-quantized format kept in its blocks (repacked to whole words, see quant-layout.ts).
 */
export type WeightDType = "f32" | "f16" | QuantDType;

/** True for the block-quantized dtypes. */
export function isQuantDType(dtype: WeightDType): dtype is QuantDType {
  return dtype !== "f32" && dtype !== "f16";
}

/** One binding's worth of consecutive rows of a {@link WeightMatrix}, all of one dtype. */
export interface WeightPart {
  readonly buffer: GPUBuffer;
  readonly dtype: WeightDType;
  /** First row of the matrix held here. */
  readonly rowStart: number;
  readonly rows: number;
}

/**
 * A `[rows, cols]` row-major matrix (HF layout `[outFeatures, inFeatures]`), split by rows.
 * `dtype` is the parts' dtype, or `"mixed"` for a matrix joined from segments of different
 * dtypes ({@link joinMatrices}, e.g. a Q4_K q|k with a Q6_K v): kernels go by each part's dtype.
 */
export interface WeightMatrix {
  readonly label: string;
  readonly dtype: WeightDType | "mixed";
  readonly rows: number;
  readonly cols: number;
  readonly parts: readonly WeightPart[];
}

/** GGUF blocks of a quantized matrix: `bytes` holds `rows` rows of `cols` elements, as in the file. */
export interface QuantData {
  readonly quant: QuantType;
  readonly bytes: Uint8Array;
}

/** Options of {@link uploadMatrix}. */
export interface UploadMatrixOptions {
  readonly label: string;
  readonly rows: number;
  readonly cols: number;
  /**
   * F32 values, F16 bits (`Uint16Array`, e.g. from `f32ToF16` of `@pagoda/model-loaders`), or
   * GGUF quantized blocks (`cols` a multiple of the block's elements).
   */
  readonly data: Float32Array | Uint16Array | QuantData;
  /** Bytes per part; defaults to the device's `maxStorageBufferBindingSize`. Tests force splits. */
  readonly maxPartBytes?: number;
}

/** The byte size of one row on the GPU, and so the granularity of a split. */
export function rowBytes(dtype: WeightDType, cols: number): number {
  if (isQuantDType(dtype)) return quantGpuRowBytes(dtype, cols);
  return cols * (dtype === "f16" ? 2 : 4);
}

function dataDType(data: UploadMatrixOptions["data"]): WeightDType {
  if (data instanceof Float32Array) return "f32";
  if (data instanceof Uint16Array) return "f16";
  return QUANT_DTYPE[data.quant];
}

/**
 * Uploads a weight matrix, splitting it by rows into parts no larger than one storage binding.
 * Quantized blocks are repacked part by part (never dequantized).
 *
 * @example
 * const lmHead = uploadMatrix(device, { label: "lm_head", rows: 151936, cols: 1024, data: f32ToF16(w) });
 * const q = uploadMatrix(device, { label: "q", rows: 2048, cols: 1024, data: { quant: "Q4_K", bytes } });
 */
export function uploadMatrix(device: GPUDevice, options: UploadMatrixOptions): WeightMatrix {
  const { label, rows, cols, data } = options;
  const dtype = dataDType(data);
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new KernelError("weights.bad_shape", `${label}: shape [${rows}, ${cols}] is not a matrix`);
  }
  const quant = isQuantDType(dtype) ? (data as QuantData) : null;
  if (quant) {
    checkQuantRows(dtype as QuantDType, quant.bytes.byteLength, rows, cols, label);
  } else if ((data as Float32Array | Uint16Array).length !== rows * cols) {
    throw new KernelError(
      "weights.bad_length",
      `${label}: ${(data as Float32Array).length} values for shape [${rows}, ${cols}] (${rows * cols} expected)`,
    );
  }
  const limit = options.maxPartBytes ?? device.limits.maxStorageBufferBindingSize;
  // Whole words per part: an F16 part of odd size still ends on a 4-byte boundary when padded.
  const rowsPerPart = Math.floor((limit - 4) / rowBytes(dtype, cols));
  if (rowsPerPart < 1) {
    throw new KernelError(
      "weights.row_too_large",
      `${label}: one row of ${cols} ${dtype} exceeds ${limit} B`,
    );
  }
  const parts: WeightPart[] = [];
  for (let rowStart = 0; rowStart < rows; rowStart += rowsPerPart) {
    const partRows = Math.min(rowsPerPart, rows - rowStart);
    const slice = quant
      ? packQuantRows(dtype as QuantDType, quantRows(quant, rows, rowStart, partRows), partRows, cols, label)
      : (data as Float32Array | Uint16Array).subarray(rowStart * cols, (rowStart + partRows) * cols);
    const buffer = createStorageBuffer(device, `${label}[${parts.length}]`, slice);
    parts.push({ buffer, dtype, rowStart, rows: partRows });
  }
  return { label, dtype, rows, cols, parts };
}

function quantRows(q: QuantData, rows: number, first: number, count: number): Uint8Array {
  const bytesPerRow = q.bytes.byteLength / rows;
  return q.bytes.subarray(first * bytesPerRow, (first + count) * bytesPerRow);
}

/**
 * One matrix of `segments` stacked by rows (same `cols`), each keeping its parts and dtype: how a
 * fused q|k|v or gate|up whose tensors have different formats is computed without conversion.
 */
export function joinMatrices(label: string, segments: readonly WeightMatrix[]): WeightMatrix {
  const first = segments[0];
  if (!first) throw new KernelError("weights.bad_shape", `${label}: no segments to join`);
  const parts: WeightPart[] = [];
  let rows = 0;
  for (const s of segments) {
    if (s.cols !== first.cols) {
      throw new KernelError(
        "weights.bad_shape",
        `${label}: segment ${s.label} has ${s.cols} columns, ${first.label} ${first.cols}`,
      );
    }
    for (const p of s.parts) parts.push({ ...p, rowStart: rows + p.rowStart });
    rows += s.rows;
  }
  const dtypes = new Set(parts.map((p) => p.dtype));
  const dtype = dtypes.size === 1 ? first.dtype : "mixed";
  return { label, dtype, rows, cols: first.cols, parts };
}

/** Destroys every part's buffer. */
export function destroyMatrix(matrix: WeightMatrix): void {
  for (const part of matrix.parts) part.buffer.destroy();
}
