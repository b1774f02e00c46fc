import { fitsBlocks, isQuantType, quantRowBytes } from "../quant/quant-types.js";
import type { ByteSource } from "../safetensors/byte-source.js";
import type { TensorDType } from "../safetensors/tensor-handle.js";
import { GGML_TYPE_CODES, GGUF_MAGIC, type GgufValue, ggmlTypeName } from "../tools/gguf/gguf-types.js";
import { GgufCursor } from "./gguf-cursor.js";
import { readGgufValue } from "./gguf-value.js";

/** The tensor types Pagoda reads from GGUF, by their ggml codes. */
const READABLE: ReadonlyMap<number, TensorDType> = new Map(
  (["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"] as const).map((t) => [GGML_TYPE_CODES[t], t]),
);
const ELEMENT_BYTES: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2 };
// ggml tensors have at most 4 dimensions.
const MAX_DIMS = 4;

/** One tensor of a GGUF file as its header describes it. */
export interface GgufTensorInfo {
  readonly name: string;
  readonly dtype: TensorDType;
  /** Row-major shape, outermost first (the file stores dimensions innermost first). */
  readonly shape: readonly number[];
  /** Absolute offset of the data in the file. */
  readonly offset: number;
  readonly byteLength: number;
}

/** A parsed GGUF header: version, metadata in file order, tensor infos, data layout. */
export interface GgufHeader {
  readonly version: number;
  readonly metadata: ReadonlyMap<string, GgufValue>;
  readonly tensors: readonly GgufTensorInfo[];
  readonly alignment: number;
  /** Absolute offset of the tensor data section. */
  readonly dataStart: number;
}

/**
 * Reads and validates the header of a GGUF v2 / v3 file: only the header bytes are read. Every
 * count and length is checked against the file size before use, and every tensor's data must
 * lie inside the file; faults throw {@link GgufError} naming the file and the field or tensor.
 */
export async function readGgufHeader(source: ByteSource): Promise<GgufHeader> {
  const c = new GgufCursor(source);
  const magic = await c.u32("the magic number");
  if (magic !== GGUF_MAGIC) {
    c.fail("bad_magic", `not a GGUF file (starts with 0x${magic.toString(16).padStart(8, "0")}, not "GGUF")`);
  }
  const version = await c.u32("the version");
  // v1 used 32-bit counts and lengths; v2 and v3 differ only in v3 allowing big-endian files.
  if (version !== 2 && version !== 3) {
    c.fail("unsupported_version", `GGUF version ${version} is not supported (only 2 and 3)`, { version });
  }
  // Minimum sizes: a tensor info is a name length, n_dims, one dim, type and offset (28 bytes);
  // a key/value is a key length and a type code (12 bytes).
  const numTensors = await c.count("the tensor count", 28);
  const numKv = await c.count("the metadata count", 12);
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < numKv; i++) {
    const key = await c.string(`metadata key ${i}`);
    metadata.set(key, await readGgufValue(c, key));
  }
  const alignment = readAlignment(c, metadata.get("general.alignment"));
  const raw: { name: string; dims: number[]; type: number; offset: number }[] = [];
  for (let i = 0; i < numTensors; i++) {
    const name = await c.string(`the name of tensor ${i}`);
    const nDims = await c.u32(`the dimension count of tensor ${name}`);
    if (nDims < 1 || nDims > MAX_DIMS)
      c.fail("bad_header", `tensor ${name} has ${nDims} dimensions (1 to ${MAX_DIMS} allowed)`, {
        tensor: name,
      });
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(await c.u64(`dimension ${d} of tensor ${name}`));
    raw.push({
      name,
      dims,
      type: await c.u32(`the type of tensor ${name}`),
      offset: await c.u64(`the offset of tensor ${name}`),
    });
  }
  const dataStart = Math.ceil(c.offset / alignment) * alignment;
  const tensors = raw.map((t) => tensorInfo(c, t, dataStart, alignment));
  return { version, metadata, tensors, alignment, dataStart };
}

function readAlignment(c: GgufCursor, v: GgufValue | undefined): number {
  if (v === undefined) return 32;
  const n = v.type === "u32" ? v.value : Number.NaN;
  if (!(n > 0 && (n & (n - 1)) === 0)) {
    c.fail("bad_header", `general.alignment must be a u32 power of two, got ${v.type} ${String(v.value)}`, {
      key: "general.alignment",
    });
  }
  return n;
}

function tensorInfo(
  c: GgufCursor,
  t: { name: string; dims: number[]; type: number; offset: number },
  dataStart: number,
  alignment: number,
): GgufTensorInfo {
  const bad = (reason: string): never =>
    c.fail("bad_header", `tensor ${t.name} ${reason}`, { tensor: t.name });
  const dtype = READABLE.get(t.type);
  if (dtype === undefined) {
    c.fail(
      "unsupported_tensor_type",
      `tensor ${t.name} is ${ggmlTypeName(t.type)}; Pagoda reads F32, F16, BF16, Q8_0, Q4_0, Q4_K and Q6_K`,
      { tensor: t.name, type: ggmlTypeName(t.type) },
    );
  }
  const numel = t.dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(numel)) bad(`has absurd dimensions [${t.dims.join(", ")}]`);
  const cols = t.dims[0] as number;
  let byteLength: number;
  if (isQuantType(dtype)) {
    if (!fitsBlocks(dtype, cols)) bad(`is ${dtype} but its rows of ${cols} elements are not whole blocks`);
    byteLength = quantRowBytes(dtype, cols) * (numel / cols);
  } else byteLength = numel * (ELEMENT_BYTES[dtype] as number);
  if (t.offset % alignment !== 0) bad(`starts at data offset ${t.offset}, not a multiple of ${alignment}`);
  const offset = dataStart + t.offset;
  if (offset + byteLength > c.source.size) {
    c.fail(
      "truncated",
      `tensor ${t.name} (${byteLength} bytes at ${offset}) runs past the end of the file (${c.source.size} bytes)`,
      { tensor: t.name },
    );
  }
  return { name: t.name, dtype, shape: [...t.dims].reverse(), offset, byteLength };
}
