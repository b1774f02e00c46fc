import { WeightsError } from "../errors.js";
import { dequantize } from "../quant/dequantize.js";
import { isQuantType, type QuantType, quantRowBytes } from "../quant/quant-types.js";
import type { ByteSource } from "../safetensors/byte-source.js";
import type { DType } from "../safetensors/dtype.js";
import { type SlicePool, type TensorHandle, tensorHandle } from "../safetensors/tensor-handle.js";
import { unpermuteRotaryRows } from "../tools/gguf/permute-qk.js";
import type { GgufTensorInfo } from "./gguf-header.js";

// Quantized tensors are read and dequantized this many packed bytes at a time, so a read costs
// its F32 output plus one slice.
const SLICE_BYTES = 4 * 1024 * 1024;

/** A lazy handle on one GGUF tensor: float types read like safetensors, quantized ones dequantize. */
export function ggufTensorHandle(source: ByteSource, info: GgufTensorInfo, pool: SlicePool): TensorHandle {
  const { dtype } = info;
  if (!isQuantType(dtype)) {
    const end = info.offset + info.byteLength;
    return tensorHandle(source, { ...info, dtype: dtype as DType, begin: info.offset, end }, 0, pool);
  }
  return quantHandle(source, info, dtype);
}

function quantHandle(source: ByteSource, info: GgufTensorInfo, dtype: QuantType): TensorHandle {
  const numel = info.shape.reduce((a, b) => a * b, 1);
  const cols = info.shape.at(-1) as number;
  const rowBytes = quantRowBytes(dtype, cols);
  const rows = numel / cols;
  const readRaw = async () => {
    const out = new Uint8Array(info.byteLength);
    await source.readInto(info.offset, out);
    return out;
  };
  return {
    name: info.name,
    dtype,
    shape: info.shape,
    numel,
    byteLength: info.byteLength,
    readRaw,
    async read(out?: Float32Array) {
      const target = out ? checkedTarget(info.name, source.name, numel, out) : new Float32Array(numel);
      const rowsPerSlice = Math.max(1, Math.floor(SLICE_BYTES / rowBytes));
      for (let r = 0; r < rows; r += rowsPerSlice) {
        const n = Math.min(rowsPerSlice, rows - r);
        const packed = new Uint8Array(n * rowBytes);
        await source.readInto(info.offset + r * rowBytes, packed);
        dequantize(dtype, packed, target.subarray(r * cols, (r + n) * cols));
      }
      return target;
    },
  };
}

function checkedTarget(tensor: string, file: string, numel: number, out: Float32Array): Float32Array {
  if (out.length < numel) {
    throw new WeightsError(
      "weights.shape_mismatch",
      `${file}: tensor ${tensor} has ${numel} values; the target holds ${out.length}`,
      { details: { file, tensor } },
    );
  }
  return out.subarray(0, numel);
}

/**
 * A q or k projection (or bias) of a GGUF `llama` file, read back in Hugging Face's rotate-half
 * row order: whole rows move (packed rows for quantized tensors), so nothing is requantized.
 */
export function unpermutedHandle(handle: TensorHandle, numHeads: number): TensorHandle {
  const cols = handle.shape.length === 1 ? 1 : (handle.shape.at(-1) as number);
  const rowBytes = isQuantType(handle.dtype)
    ? quantRowBytes(handle.dtype, cols)
    : handle.byteLength / (handle.numel / cols);
  return {
    name: handle.name,
    dtype: handle.dtype,
    shape: handle.shape,
    numel: handle.numel,
    byteLength: handle.byteLength,
    readRaw: async () => unpermuteRotaryRows(await handle.readRaw(), numHeads, rowBytes),
    async read(out?: Float32Array) {
      const values = await handle.read(out);
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      values.set(new Float32Array(unpermuteRotaryRows(bytes, numHeads, cols * 4).buffer));
      return values;
    },
  };
}
