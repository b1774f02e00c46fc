import { ByteWriter } from "./byte-writer.js";
import {
  GGML_TYPE,
  GGUF_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  type GgmlTypeName,
  type GgufMetadata,
  ggmlRowBytes,
} from "./gguf-types.js";

/** One tensor's entry in the header: its data follows in the order given. */
export interface GgufTensorInfo {
  readonly name: string;
  readonly type: GgmlTypeName;
  /** Dimensions innermost first: a row-major `[rows, cols]` matrix is `[cols, rows]`. */
  readonly dims: readonly number[];
}

/** Where each tensor's data goes, relative to the start of the data section. */
export interface GgufLayout {
  /** `offsets[i]` of tensor i, a multiple of the alignment. */
  readonly offsets: readonly number[];
  /** Data bytes of each tensor (without padding). */
  readonly sizes: readonly number[];
  /** Size of the data section, the last tensor padded too. */
  readonly dataBytes: number;
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** Byte size of one tensor's data: its rows (`dims[0]` elements each, whole blocks) back to back. */
export function ggufTensorBytes(t: GgufTensorInfo): number {
  const [cols = 1, ...outer] = t.dims;
  return outer.reduce((a, b) => a * b, 1) * ggmlRowBytes(t.type, cols);
}

/** Tensor data offsets: back to back in the given order, each aligned. */
export function ggufLayout(tensors: readonly GgufTensorInfo[], alignment = GGUF_ALIGNMENT): GgufLayout {
  const offsets: number[] = [];
  const sizes: number[] = [];
  let at = 0;
  for (const t of tensors) {
    offsets.push(at);
    sizes.push(ggufTensorBytes(t));
    at = alignUp(at + ggufTensorBytes(t), alignment);
  }
  return { offsets, sizes, dataBytes: at };
}

/**
 * Everything before the tensor data: magic, version, counts, metadata key/values, tensor infos,
 * zero-padded so the data section starts aligned. `metadata` should hold `general.alignment`
 * when `alignment` is not the default 32.
 */
export function encodeGgufHeader(
  metadata: GgufMetadata,
  tensors: readonly GgufTensorInfo[],
  alignment = GGUF_ALIGNMENT,
): Uint8Array {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(metadata.length);
  for (const [key, value] of metadata) {
    w.string(key);
    w.value(value);
  }
  const { offsets } = ggufLayout(tensors, alignment);
  tensors.forEach((t, i) => {
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_TYPE[t.type]);
    w.u64(offsets[i] as number);
  });
  w.pad(alignment);
  return w.finish();
}
