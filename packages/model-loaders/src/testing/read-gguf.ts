// The writer's tests read its files back with the real GGUF reader (one definition of the
// format), through this adapter that keeps the raw codes and offsets those tests assert on.
import { readGgufHeader } from "../gguf/gguf-header.js";
import { memoryByteSource } from "../safetensors/byte-source.js";
import { GGML_TYPE_CODES, GGUF_VALUE_TYPE } from "../tools/gguf/gguf-types.js";

export type GgufReadValue = number | bigint | boolean | string | GgufReadValue[];

export interface GgufReadTensor {
  name: string;
  dims: number[];
  /** ggml type code (0 F32, 1 F16, 2 Q4_0, 8 Q8_0, 12 Q4_K, 14 Q6_K). */
  type: number;
  /** Relative to the data section. */
  offset: number;
}

export interface GgufFile {
  version: number;
  /** Value type codes as stored; arrays as plain arrays; f32 values as their shortest decimal. */
  metadata: Map<string, { type: number; value: GgufReadValue }>;
  tensors: GgufReadTensor[];
  /** Absolute offset of the data section. */
  dataStart: number;
  bytes: Uint8Array;
  /** A tensor's bytes (rows of `dims[0]` elements in whole blocks). */
  data(name: string): Uint8Array;
}

/** Parses a whole GGUF file held in memory with `readGgufHeader`. */
export async function readGguf(bytes: Uint8Array): Promise<GgufFile> {
  const h = await readGgufHeader(memoryByteSource("test.gguf", bytes));
  const metadata = new Map<string, { type: number; value: GgufReadValue }>();
  for (const [key, v] of h.metadata) {
    const value = v.type === "array" ? Array.from(v.value as ArrayLike<GgufReadValue>) : v.value;
    metadata.set(key, { type: GGUF_VALUE_TYPE[v.type], value });
  }
  const tensors = h.tensors.map((t) => ({
    name: t.name,
    dims: [...t.shape].reverse(),
    type: GGML_TYPE_CODES[t.dtype as keyof typeof GGML_TYPE_CODES],
    offset: t.offset - h.dataStart,
  }));
  return {
    version: h.version,
    metadata,
    tensors,
    dataStart: h.dataStart,
    bytes,
    data(name) {
      const t = h.tensors.find((x) => x.name === name);
      if (!t) throw new Error(`no tensor ${name}`);
      return bytes.subarray(t.offset, t.offset + t.byteLength);
    },
  };
}
