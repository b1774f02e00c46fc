import type { ByteSource } from "./byte-source.js";
import { parseHeader, readHeaderLength, type TensorInfo } from "./header.js";
import { SlicePool, type TensorHandle, tensorHandle } from "./tensor-handle.js";

/** An opened safetensors file (or set of shards): validated header, lazy tensors. */
export interface SafetensorsFile {
  /** Every tensor, by name, in header order. */
  readonly tensors: ReadonlyMap<string, TensorHandle>;
  /** `__metadata__` of the file (for shards: of the first shard). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Closes the underlying sources. */
  close(): Promise<void>;
}

/** The header entries of an opened file, for tools that need the raw offsets. */
export interface SafetensorsLayout {
  readonly infos: ReadonlyMap<string, TensorInfo>;
  readonly dataStart: number;
}

/**
 * Reads and validates the header of `source` and returns lazy handles on its tensors. Only the
 * header is read; a malformed file throws {@link SafetensorsError} naming the file and the fault.
 */
export async function openSafetensors(source: ByteSource): Promise<SafetensorsFile & SafetensorsLayout> {
  const prefix = new Uint8Array(Math.min(8, source.size));
  await source.readInto(0, prefix);
  const length = readHeaderLength(prefix, source);
  const bytes = new Uint8Array(length);
  await source.readInto(8, bytes);
  const header = parseHeader(bytes, source);
  const tensors = new Map<string, TensorHandle>();
  const pool = new SlicePool();
  for (const info of header.tensors.values()) {
    tensors.set(info.name, tensorHandle(source, info, header.dataStart, pool));
  }
  return {
    tensors,
    metadata: header.metadata,
    infos: header.tensors,
    dataStart: header.dataStart,
    close: () => source.close(),
  };
}
