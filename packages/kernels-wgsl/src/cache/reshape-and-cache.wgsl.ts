import { kvCacheWgsl } from "./kv-cache.wgsl.js";
import type { KvCacheDType } from "./kv-cache-layout.js";

/** Threads per workgroup of `reshapeAndCache`; one workgroup row covers 64 vec4 of one token. */
export const RESHAPE_WORKGROUP = 64;

/**
 * WGSL of `reshapeAndCache`: workgroup (x, y) copies vec4 `x*64 + lane` of token `y`'s key and
 * value rows (which may be column ranges of a fused QKV buffer) into the token's cache slot. A slot of -1 means "don't write" (padding tokens).
 * int8: a row's scale needs the whole row, so the thread of a head's vec4 0 quantizes that row.
 */
export function reshapeAndCacheWgsl(dtype: KvCacheDType): string {
  const write =
    dtype === "int8"
      ? /* wgsl */ `
  if (d != 0u) {
    return;
  }
  let row = kvRow((block * p.numKvHeads + head) * p.blockSize + offset, p.headDim4);
  let src = token * p.rowStride4 + i;
  var kMax = 0.0;
  var vMax = 0.0;
  for (var e = 0u; e < p.headDim4; e++) {
    let k = abs(key[src + p.keyOffset4 + e]);
    let v = abs(value[src + p.valueOffset4 + e]);
    kMax = max(kMax, max(max(k.x, k.y), max(k.z, k.w)));
    vMax = max(vMax, max(max(v.x, v.y), max(v.z, v.w)));
  }
  let kScale = kMax / 127.0;
  let vScale = vMax / 127.0;
  for (var e = 0u; e < p.headDim4; e++) {
    storeKeyWord(row + e, quantizeKv(key[src + p.keyOffset4 + e], kScale));
    storeValueWord(row + e, quantizeKv(value[src + p.valueOffset4 + e], vScale));
  }
  storeKeyWord(row + p.headDim4, bitcast<u32>(kScale));
  storeValueWord(row + p.headDim4, bitcast<u32>(vScale));`
      : /* wgsl */ `
  let dst = kvRow((block * p.numKvHeads + head) * p.blockSize + offset, p.headDim4) + d;
  let src = token * p.rowStride4 + i;
  storeKey(dst, key[src + p.keyOffset4]);
  storeValue(dst, value[src + p.valueOffset4]);`;
  return /* wgsl */ `
struct Params {
  numTokens: u32,
  numKvHeads: u32,
  headDim4: u32, // headDim / 4
  blockSize: u32,
  rowStride4: u32, // vec4s between two tokens' key (and value) rows
  keyOffset4: u32, // vec4 column where a key row starts
  valueOffset4: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> key: array<vec4f>;
@group(0) @binding(2) var<storage, read> value: array<vec4f>;
@group(0) @binding(3) var<storage, read> slotMapping: array<i32>;
${kvCacheWgsl(dtype, 4, 5, "read_write")}

@compute @workgroup_size(${RESHAPE_WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lane: u32) {
  let token = wg.y;
  let width4 = p.numKvHeads * p.headDim4;
  let i = wg.x * ${RESHAPE_WORKGROUP}u + lane;
  if (token >= p.numTokens || i >= width4) {
    return;
  }
  let slot = slotMapping[token];
  if (slot < 0) {
    return;
  }
  let block = u32(slot) / p.blockSize;
  let offset = u32(slot) % p.blockSize;
  let head = i / p.headDim4;
  let d = i % p.headDim4;
${write}
}
`;
}
