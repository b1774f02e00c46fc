import { SafetensorsError } from "../errors.js";
import type { ByteSource } from "./byte-source.js";
import { bf16ToF32, f16ToF32 } from "./convert.js";
import { type DType, isFloatDType } from "./dtype.js";
import type { TensorInfo } from "./header.js";

/**
 * A tensor whose bytes stay on disk until asked for. The executor reads one at a time and uploads
 * it, so a whole model is never resident in JS memory at once.
 */
export interface TensorHandle {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Size of the stored data in bytes. */
  readonly byteLength: number;
  /** The values as F32 (F32 / F16 / BF16 only; exact). */
  read(): Promise<Float32Array>;
  /** The stored bytes as they are in the file (little-endian). */
  readRaw(): Promise<Uint8Array>;
}

// Converted in slices so a BF16 tensor costs its F32 output plus one slice, not output + input.
const SLICE_BYTES = 8 * 1024 * 1024;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A lazy handle on one tensor of `source`, whose data section starts at `dataStart`. */
export function tensorHandle(source: ByteSource, info: TensorInfo, dataStart: number): TensorHandle {
  const offset = dataStart + info.begin;
  const byteLength = info.end - info.begin;
  return {
    name: info.name,
    dtype: info.dtype,
    shape: info.shape,
    byteLength,
    async readRaw() {
      const out = new Uint8Array(byteLength);
      await source.readInto(offset, out);
      return out;
    },
    async read() {
      if (!littleEndian) {
        throw new SafetensorsError(
          "safetensors.unsupported_conversion",
          "big-endian hosts are not supported",
        );
      }
      const dtype = info.dtype;
      if (!isFloatDType(dtype)) {
        throw new SafetensorsError(
          "safetensors.unsupported_conversion",
          `${source.name}: tensor "${info.name}" is ${dtype}; only F32, F16 and BF16 convert to F32 (use readRaw())`,
          { details: { file: source.name, tensor: info.name, dtype } },
        );
      }
      const out = new Float32Array(byteLength / (dtype === "F32" ? 4 : 2));
      if (dtype === "F32") {
        await source.readInto(offset, new Uint8Array(out.buffer));
        return out;
      }
      const convert = dtype === "BF16" ? bf16ToF32 : f16ToF32;
      const slice = new Uint16Array(Math.min(byteLength, SLICE_BYTES) / 2);
      const sliceBytes = new Uint8Array(slice.buffer);
      for (let done = 0; done < byteLength; done += sliceBytes.length) {
        const n = Math.min(sliceBytes.length, byteLength - done);
        await source.readInto(offset + done, sliceBytes.subarray(0, n));
        convert(slice.subarray(0, n / 2), out.subarray(done / 2, (done + n) / 2));
      }
      return out;
    },
  };
}
