import { kvCacheWgsl } from "./kv-cache.wgsl.js";
import type { KvCacheDType } from "./kv-cache-layout.js";

/** Threads per workgroup of `reshapeAndCache`; one workgroup row covers 64 vec4 of one token. */
export const RESHAPE_WORKGROUP = 64;

/**
 * WGSL of `reshapeAndCache`: workgroup (x, y) copies vec4 `x*64 + lane` of token `y`'s key and
 * value rows (which may be column ranges of a fused QKV buffer) into the token's cache slot. A slot of -1 means "don't write" (padding tokens).
 */
export function reshapeAndCacheWgsl(dtype: KvCacheDType): string {
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
  let dst = ((block * p.numKvHeads + head) * p.blockSize + offset) * p.headDim4 + d;
  let src = token * p.rowStride4 + i;
  storeKey(dst, key[src + p.keyOffset4]);
  storeValue(dst, value[src + p.valueOffset4]);
}
`;
}
