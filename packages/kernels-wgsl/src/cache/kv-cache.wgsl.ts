import type { KvCacheDType } from "./kv-cache-layout.js";

/** WGSL reading one cache word `x` as vec4f, per dtype (int8: the four raw, unscaled values). */
const LOAD: Record<KvCacheDType, string> = {
  f32: "x",
  f16: "vec4f(unpack2x16float(x.x), unpack2x16float(x.y))",
  // Byte j of the word is value j (little-endian); shifting it to the top and back sign-extends.
  int8: "vec4f(bitcast<vec4i>(vec4u(x) << vec4u(24u, 16u, 8u, 0u)) >> vec4u(24u))",
};

/** WGSL element type of the cache arrays, per dtype. */
const ELEMENT: Record<KvCacheDType, string> = { f32: "vec4f", f16: "vec2u", int8: "u32" };

// f16: the core pack2x16float is undefined past the f16 range, so values are clamped to ±65504 first
// (the saturation kv-paging's codec defines). int8: q = round-half-even(x / scale) in ±127, 0 when
// the row is all zeros, packed little-endian four to a word.
const WRITE_HELPERS: Record<KvCacheDType, string> = {
  f32: "fn encodeKv(v: vec4f) -> vec4f { return v; }",
  f16: `fn encodeKv(v: vec4f) -> vec2u {
  let c = clamp(v, vec4f(-65504.0), vec4f(65504.0));
  return vec2u(pack2x16float(c.xy), pack2x16float(c.zw));
}`,
  int8: `fn quantizeKv(v: vec4f, scale: f32) -> u32 {
  var q = vec4i(0);
  if (scale > 0.0) { q = vec4i(clamp(round(v / scale), vec4f(-127.0), vec4f(127.0))); }
  let b = bitcast<vec4u>(q) & vec4u(255u);
  return b.x | (b.y << 8u) | (b.z << 16u) | (b.w << 24u);
}
fn storeKeyWord(i: u32, w: u32) { keyCache[i] = w; }
fn storeValueWord(i: u32, w: u32) { valueCache[i] = w; }`,
};

/**
 * WGSL declaring the `keyCache` and `valueCache` bindings and their row addressing, shared by the
 * cache writers and the attention kernels:
 * - `kvRow(row, headDim4)`: index of (token, kv head) row `row`'s first element. f32/f16 rows are
 *   `headDim4` elements; int8 rows are `headDim4 + 1` u32 words, the last one the f32 scale's bits
 *   (kv-paging's layout: headDim int8, then the scale), so host copies of blocks stay byte copies.
 * - read: `loadKey(i)` / `loadValue(i)` (vec4f at element `i`) and `keyScale(base, headDim4)` /
 *   `valueScale(…)`, the row's int8 scale (1 for f32/f16); a value is `load(base + d) * scale`,
 *   which is exactly the codec's decoded value.
 * - read_write, f32/f16: `storeKey(i, v)` / `storeValue(i, v)`; int8: `quantizeKv(v, scale)` and
 *   `storeKeyWord(i, w)` / `storeValueWord(i, w)`, the row's scale being the writer's to compute.
 * An f16 cache is held as pairs of packed words and converted with the core `unpack2x16float` /
 * `pack2x16float`, so it works on devices without `shader-f16`.
 */
export function kvCacheWgsl(
  dtype: KvCacheDType,
  keyBinding: number,
  valueBinding: number,
  access: "read" | "read_write",
): string {
  const int8 = dtype === "int8";
  const decls = /* wgsl */ `
@group(0) @binding(${keyBinding}) var<storage, ${access}> keyCache: array<${ELEMENT[dtype]}>;
@group(0) @binding(${valueBinding}) var<storage, ${access}> valueCache: array<${ELEMENT[dtype]}>;
fn kvRow(row: u32, headDim4: u32) -> u32 { return row * ${int8 ? "(headDim4 + 1u)" : "headDim4"}; }`;
  if (access === "read_write") {
    if (int8) return `${decls}\n${WRITE_HELPERS.int8}`;
    return /* wgsl */ `${decls}
${WRITE_HELPERS[dtype]}
fn storeKey(i: u32, v: vec4f) { keyCache[i] = encodeKv(v); }
fn storeValue(i: u32, v: vec4f) { valueCache[i] = encodeKv(v); }`;
  }
  const scale = (cache: string) => (int8 ? `bitcast<f32>(${cache}[base + headDim4])` : "1.0");
  return /* wgsl */ `${decls}
fn loadKey(i: u32) -> vec4f { let x = keyCache[i]; return ${LOAD[dtype]}; }
fn loadValue(i: u32) -> vec4f { let x = valueCache[i]; return ${LOAD[dtype]}; }
fn keyScale(base: u32, headDim4: u32) -> f32 { return ${scale("keyCache")}; }
fn valueScale(base: u32, headDim4: u32) -> f32 { return ${scale("valueCache")}; }`;
}
