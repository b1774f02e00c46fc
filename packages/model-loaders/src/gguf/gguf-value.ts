import { GGUF_VALUE_TYPE, type GgufScalarType, type GgufValue } from "../tools/gguf/gguf-types.js";
import type { GgufCursor } from "./gguf-cursor.js";

const TYPE_NAMES = Object.fromEntries(Object.entries(GGUF_VALUE_TYPE).map(([k, v]) => [v, k])) as Record<
  number,
  keyof typeof GGUF_VALUE_TYPE
>;

// Bytes of one value of each fixed-size scalar type (strings: at least their 8-byte length).
const SIZE: Readonly<Record<GgufScalarType, number>> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  string: 8,
  u64: 8,
  i64: 8,
  f64: 8,
};

/** Reads a value type code, failing with `gguf.bad_header` for an unknown one. */
async function valueType(c: GgufCursor, what: string): Promise<keyof typeof GGUF_VALUE_TYPE> {
  const code = await c.u32(`the value type of ${what}`);
  const name = TYPE_NAMES[code];
  if (name === undefined) c.fail("bad_header", `${what} has unknown value type ${code}`, { key: what });
  return name;
}

/** One metadata value (its type code first), as the writer's {@link GgufValue}. */
export async function readGgufValue(c: GgufCursor, key: string): Promise<GgufValue> {
  const type = await valueType(c, key);
  if (type !== "array") return { type, value: await scalar(c, type, key) } as GgufValue;
  const itemType = await valueType(c, `${key}[]`);
  // llama.cpp does not read arrays of arrays either.
  if (itemType === "array")
    c.fail("bad_header", `${key} is an array of arrays, which GGUF readers do not support`);
  const n = await c.count(`the length of ${key}`, SIZE[itemType]);
  return { type: "array", itemType, value: await array(c, itemType, n, key) } as GgufValue;
}

async function scalar(c: GgufCursor, type: GgufScalarType, key: string): Promise<unknown> {
  if (type === "string") return c.string(key);
  const v = await c.bytes(SIZE[type], key);
  switch (type) {
    case "u8":
      return v.getUint8(0);
    case "i8":
      return v.getInt8(0);
    case "u16":
      return v.getUint16(0, true);
    case "i16":
      return v.getInt16(0, true);
    case "u32":
      return v.getUint32(0, true);
    case "i32":
      return v.getInt32(0, true);
    case "f32":
      return shortestF32(v.getFloat32(0, true));
    case "bool":
      return v.getUint8(0) !== 0;
    case "u64":
      return v.getBigUint64(0, true);
    case "i64":
      return v.getBigInt64(0, true);
    case "f64":
      return v.getFloat64(0, true);
  }
}

const TYPED = {
  u8: Uint8Array,
  i8: Int8Array,
  u16: Uint16Array,
  i16: Int16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
  u64: BigUint64Array,
  i64: BigInt64Array,
} as const;

// Numeric arrays become typed arrays (a 150k-entry score list is one copy, not 150k numbers).
async function array(
  c: GgufCursor,
  type: GgufScalarType,
  n: number,
  key: string,
): Promise<ArrayLike<unknown>> {
  if (type === "string") {
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = await c.string(`${key}[${i}]`);
    return out;
  }
  const v = await c.bytes(n * SIZE[type], key);
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
  if (type === "bool") return Array.from(bytes, (b) => b !== 0);
  const Typed = TYPED[type];
  // `slice()` copied into a fresh, aligned buffer; little-endian hosts only, like the tensor reads.
  return new Typed(bytes.buffer, 0, n);
}

/**
 * The shortest decimal that is the same f32: a config's `1e-5` stored as f32 reads back as `1e-5`,
 * not 9.99999974e-6, so hyperparameters equal the Hugging Face config's.
 */
export function shortestF32(x: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const d = Number(x.toPrecision(digits));
    if (Math.fround(d) === x) return d;
  }
  return x;
}
