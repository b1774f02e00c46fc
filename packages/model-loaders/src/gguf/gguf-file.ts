import type { ByteSource } from "../safetensors/byte-source.js";
import { SlicePool, type TensorHandle } from "../safetensors/tensor-handle.js";
import type { GgufValue } from "../tools/gguf/gguf-types.js";
import { type GgufTensorInfo, readGgufHeader } from "./gguf-header.js";
import { GgufMetadata } from "./gguf-metadata.js";
import { ggufTensorHandle } from "./gguf-tensor-handle.js";

/** An opened GGUF file: its metadata and lazy handles on its tensors (GGUF names, HF-order shapes). */
export interface GgufFile {
  /** 2 or 3. */
  readonly version: number;
  /** Typed access to the key/values, with errors naming the key. */
  readonly metadata: GgufMetadata;
  /** Every tensor by its GGUF name (`blk.0.attn_q.weight`), in file order; shapes outermost first. */
  readonly tensors: ReadonlyMap<string, TensorHandle>;
  /** The header's tensor entries (absolute offsets), for tools. */
  readonly infos: readonly GgufTensorInfo[];
  /** Closes the source; tensor reads after this reject. */
  close(): Promise<void>;
}

/**
 * Reads a GGUF file's header (only the header) and returns lazy tensor handles over `source`: a
 * file (`openFileByteSource`), a URL (`urlFiles(…).open(name)`) or memory (`memoryByteSource`).
 * Tensor types F32, F16, BF16, Q8_0, Q4_0, Q4_K and Q6_K; anything else, a truncated or
 * malformed file throws {@link GgufError} naming the file and the fault.
 *
 * @example
 * const gguf = await openGguf(await openFileByteSource("model.gguf"));
 * gguf.metadata.string("general.architecture"); // "llama"
 */
export async function openGguf(source: ByteSource): Promise<GgufFile> {
  const header = await readGgufHeader(source);
  const pool = new SlicePool();
  const tensors = new Map<string, TensorHandle>();
  for (const info of header.tensors) tensors.set(info.name, ggufTensorHandle(source, info, pool));
  return {
    version: header.version,
    metadata: new GgufMetadata(header.metadata as Map<string, GgufValue>, source.name),
    tensors,
    infos: header.tensors,
    close: () => source.close(),
  };
}
