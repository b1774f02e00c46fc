// GGUF files built byte by byte for tests: what the writer never would (bad codes, absurd
// sizes), and rewrites of a written file with edited metadata.
import { readGgufHeader } from "../gguf/gguf-header.js";
import { memoryByteSource } from "../safetensors/byte-source.js";
import { ByteWriter } from "../tools/gguf/byte-writer.js";
import { GGML_TYPE_CODES, GGUF_MAGIC, type GgufValue } from "../tools/gguf/gguf-types.js";

/** A tensor to write: ggml type code, dimensions innermost first, raw data. */
export interface RawTensor {
  name: string;
  dims: (number | bigint)[];
  type: number;
  data: Uint8Array;
}

/** A GGUF file (alignment 32) with exactly these key/values and tensors. */
export function ggufBytes(kvs: [string, GgufValue][], tensors: RawTensor[], version = 3): Uint8Array {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(version);
  w.u64(tensors.length);
  w.u64(kvs.length);
  for (const [k, v] of kvs) {
    w.string(k);
    w.value(v);
  }
  let at = 0;
  const offsets = tensors.map((t) => {
    const o = at;
    at = Math.ceil((at + t.data.length) / 32) * 32;
    return o;
  });
  tensors.forEach((t, i) => {
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.type);
    w.u64(offsets[i] as number);
  });
  w.pad(32);
  const header = w.finish();
  const out = new Uint8Array(header.length + at);
  out.set(header);
  tensors.forEach((t, i) => {
    out.set(t.data, header.length + (offsets[i] as number));
  });
  return out;
}

/** `bytes` (a GGUF file) written again with its metadata passed through `edit`. */
export async function rewriteGguf(
  bytes: Uint8Array,
  edit: (kvs: [string, GgufValue][]) => [string, GgufValue][],
  editTensors: (t: RawTensor[]) => RawTensor[] = (t) => t,
): Promise<Uint8Array> {
  const h = await readGgufHeader(memoryByteSource("in.gguf", bytes));
  const tensors = h.tensors.map((t) => ({
    name: t.name,
    dims: [...t.shape].reverse(),
    type: GGML_TYPE_CODES[t.dtype as keyof typeof GGML_TYPE_CODES],
    data: bytes.subarray(t.offset, t.offset + t.byteLength),
  }));
  return ggufBytes(edit([...h.metadata]), editTensors(tensors));
}
