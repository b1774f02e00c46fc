import { f32ToBf16, f32ToF16 } from "@pagoda/numerics";
import { SafetensorsError } from "../errors.js";
import { type DType, dtypeSize } from "./dtype.js";

/** Tensor values to write: F32 values (encoded to the target float dtype) or raw little-endian bytes. */
export type TensorData = Float32Array | Uint8Array;

/** One tensor for the writer; `data` may be a function so big models are produced one tensor at a time. */
export interface TensorToWrite {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TensorData | (() => TensorData);
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function invalid(name: string, reason: string): never {
  throw new SafetensorsError("safetensors.size_mismatch", `cannot write tensor "${name}": ${reason}`, {
    details: { tensor: name },
  });
}

/**
 * The 8-byte length prefix and header JSON for `tensors`, laid out back to back in the given
 * order. The JSON is padded with spaces so the data section starts 8-byte aligned.
 */
export function encodeSafetensorsHeader(
  tensors: readonly TensorToWrite[],
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === "__metadata__" || Object.hasOwn(header, t.name))
      invalid(t.name, "duplicate or reserved name");
    const size = numel(t.shape) * dtypeSize(t.dtype);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}

/** The stored bytes of one tensor: F32 input is encoded to its dtype, raw bytes are size-checked. */
export function encodeTensorData(t: TensorToWrite): Uint8Array {
  const data = typeof t.data === "function" ? t.data() : t.data;
  const n = numel(t.shape);
  let bytes: Uint8Array;
  if (data instanceof Float32Array) {
    if (data.length !== n) invalid(t.name, `${data.length} values for shape [${t.shape.join(", ")}]`);
    if (t.dtype === "F32") bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else if (t.dtype === "F16") bytes = new Uint8Array(f32ToF16(data).buffer);
    else if (t.dtype === "BF16") bytes = new Uint8Array(f32ToBf16(data).buffer);
    else invalid(t.name, `F32 values cannot be encoded as ${t.dtype}; pass raw bytes`);
  } else {
    bytes = data;
  }
  const expected = n * dtypeSize(t.dtype);
  if (bytes.length !== expected) invalid(t.name, `${bytes.length} bytes, expected ${expected}`);
  return bytes;
}

/** The whole file as a sequence of chunks (header, then one per tensor), produced lazily. */
export function* safetensorsChunks(
  tensors: readonly TensorToWrite[],
  metadata?: Readonly<Record<string, string>>,
): Generator<Uint8Array> {
  yield encodeSafetensorsHeader(tensors, metadata);
  for (const t of tensors) yield encodeTensorData(t);
}

/** The whole file in one buffer (browsers, tests); use `writeSafetensorsFile` for big models. */
export function serializeSafetensors(
  tensors: readonly TensorToWrite[],
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const chunks = [...safetensorsChunks(tensors, metadata)];
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
