import { createStorageBuffer } from "./buffers.js";
import { KernelError } from "./kernel-error.js";

/** Element type of a weight matrix on the GPU. F16 is stored as packed halves (see README). */
export type WeightDType = "f32" | "f16";

/** One binding's worth of consecutive rows of a {@link WeightMatrix}. */
export interface WeightPart {
  readonly buffer: GPUBuffer;
  /** First row of the matrix held here. */
  readonly rowStart: number;
  readonly rows: number;
}

/** A `[rows, cols]` row-major matrix (HF layout `[outFeatures, inFeatures]`), split by rows. */
export interface WeightMatrix {
  readonly label: string;
  readonly dtype: WeightDType;
  readonly rows: number;
  readonly cols: number;
  readonly parts: readonly WeightPart[];
}

/** Options of {@link uploadMatrix}. */
export interface UploadMatrixOptions {
  readonly label: string;
  readonly rows: number;
  readonly cols: number;
  /** F32 values, or F16 bits (`Uint16Array`, e.g. from `f32ToF16` of `@pagoda/model-loaders`). */
  readonly data: Float32Array | Uint16Array;
  /** Bytes per part; defaults to the device's `maxStorageBufferBindingSize`. Tests force splits. */
  readonly maxPartBytes?: number;
}

/** The byte size of one row, and so the granularity of a split. */
export function rowBytes(dtype: WeightDType, cols: number): number {
  return cols * (dtype === "f16" ? 2 : 4);
}

/**
 * Uploads a weight matrix, splitting it by rows into parts no larger than one storage binding.
 *
 * @example
 * const lmHead = uploadMatrix(device, { label: "lm_head", rows: 151936, cols: 1024, data: f32ToF16(w) });
 */
export function uploadMatrix(device: GPUDevice, options: UploadMatrixOptions): WeightMatrix {
  const { label, rows, cols, data } = options;
  const dtype: WeightDType = data instanceof Uint16Array ? "f16" : "f32";
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new KernelError("weights.bad_shape", `${label}: shape [${rows}, ${cols}] is not a matrix`);
  }
  if (data.length !== rows * cols) {
    throw new KernelError(
      "weights.bad_length",
      `${label}: ${data.length} values for shape [${rows}, ${cols}] (${rows * cols} expected)`,
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
    const slice = data.subarray(rowStart * cols, (rowStart + partRows) * cols);
    const buffer = createStorageBuffer(device, `${label}[${parts.length}]`, slice);
    parts.push({ buffer, rowStart, rows: partRows });
  }
  return { label, dtype, rows, cols, parts };
}

/** Destroys every part's buffer. */
export function destroyMatrix(matrix: WeightMatrix): void {
  for (const part of matrix.parts) part.buffer.destroy();
}
