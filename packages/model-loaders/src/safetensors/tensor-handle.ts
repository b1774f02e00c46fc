import { bf16ToF32, f16ToF32 } from "@pagoda/numerics";
import { SafetensorsError } from "../errors.js";
import type { QuantType } from "../quant/quant-types.js";
import type { ByteSource } from "./byte-source.js";
import { type DType, dtypeSize, isFloatDType } from "./dtype.js";
import type { TensorInfo } from "./header.js";

/** A tensor's element type: a safetensors dtype, or a GGUF block-quantized format. */
export type TensorDType = DType | QuantType;

/**
 * A tensor whose bytes stay on disk until asked for. The executor reads one at a time and uploads
 * it, so a whole model is never resident in JS memory at once.
 */
export interface TensorHandle {
  readonly name: string;
  /** For a quantized tensor (a {@link QuantType}), `shape` counts elements, not blocks. */
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly numel: number;
  /** Size of the stored data in bytes. */
  readonly byteLength: number;
  /**
   * The values as F32: exact for F32 / F16 / BF16; a quantized tensor is dequantized (bit-exact
   * with ggml's dequantize_row_*); other dtypes throw (use `readRaw()`). With `out` (at least `numel` long) they are
   * written there and `out.subarray(0, numel)` is returned: reusing one staging buffer for every
   * tensor avoids the garbage-collection work of a fresh array per tensor.
   */
  read(out?: Float32Array): Promise<Float32Array>;
  /** The stored bytes as they are in the file (little-endian); the packed blocks of a quantized tensor. */
  readRaw(): Promise<Uint8Array>;
}

// Converted in slices so a BF16 tensor costs its F32 output plus one slice, not output + input.
const SLICE_BYTES = 4 * 1024 * 1024;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Conversion buffers shared by the tensors of one file, so reads do not allocate them each time. */
export class SlicePool {
  private readonly free: Uint16Array[] = [];

  take(): Uint16Array {
    return this.free.pop() ?? new Uint16Array(SLICE_BYTES / 2);
  }

  give(slice: Uint16Array): void {
    if (this.free.length < 4) this.free.push(slice);
  }
}

/** A lazy handle on one tensor of `source`, whose data section starts at `dataStart`. */
export function tensorHandle(
  source: ByteSource,
  info: TensorInfo,
  dataStart: number,
  pool: SlicePool,
): TensorHandle {
  const offset = dataStart + info.begin;
  const byteLength = info.end - info.begin;
  const numel = byteLength / dtypeSize(info.dtype);
  const fail = (code: string, reason: string): never => {
    throw new SafetensorsError(`safetensors.${code}`, `${source.name}: tensor "${info.name}" ${reason}`, {
      details: { file: source.name, tensor: info.name, dtype: info.dtype },
    });
  };
  return {
    name: info.name,
    dtype: info.dtype,
    shape: info.shape,
    numel,
    byteLength,
    async readRaw() {
      const out = new Uint8Array(byteLength);
      await source.readInto(offset, out);
      return out;
    },
    async read(out?: Float32Array) {
      const dtype = info.dtype;
      if (!isFloatDType(dtype)) {
        fail("unsupported_conversion", `is ${dtype}; only F32, F16 and BF16 convert to F32 (use readRaw())`);
      }
      if (!littleEndian) fail("unsupported_conversion", "cannot be converted on a big-endian host");
      if (out && out.length < numel)
        fail("size_mismatch", `has ${numel} values; the target holds ${out.length}`);
      const target = out ? out.subarray(0, numel) : new Float32Array(numel);
      if (dtype === "F32") {
        await source.readInto(offset, new Uint8Array(target.buffer, target.byteOffset, byteLength));
        return target;
      }
      const convert = dtype === "BF16" ? bf16ToF32 : f16ToF32;
      const slice = pool.take();
      try {
        const sliceBytes = new Uint8Array(slice.buffer);
        for (let done = 0; done < byteLength; done += sliceBytes.length) {
          const n = Math.min(sliceBytes.length, byteLength - done);
          await source.readInto(offset + done, sliceBytes.subarray(0, n));
          convert(slice.subarray(0, n / 2), target.subarray(done / 2, (done + n) / 2));
        }
      } finally {
        pool.give(slice);
      }
      return target;
    },
  };
}
