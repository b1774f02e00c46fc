import { ROPE_REDUCTION_WGSL } from "../ops/rope.wgsl.js";
import { kvCacheWgsl } from "./kv-cache.wgsl.js";
import type { KvCacheDType } from "./kv-cache-layout.js";

/** Invocations per workgroup of `ropeAndCache`. */
export const ROPE_AND_CACHE_WORKGROUP = 64;

/**
 * WGSL of `ropeAndCache`: rotate-half RoPE of the q and k heads of a fused QKV buffer, in place,
 * and the scatter of the rotated k and of v into the paged cache, in one dispatch (the two
 * kernels it replaces cost a dispatch each per layer, which a software adapter feels). Thread
 * `(token, head, c)` owns the four rotation pairs `(4c + j, 4c + j + half)`, so no two threads
 * touch one element; the per-element arithmetic is the rope kernel's (angle reduced to [-π, π],
 * then `x1·c − x2·s`, `x2·c + x1·s`). A k head's thread also writes its rotated chunks and the
 * same chunks of its v head to the token's slot (-1: not written). Needs headDim % 8 == 0.
 */
export function ropeAndCacheWgsl(dtype: KvCacheDType): string {
  return /* wgsl */ `
struct Params {
  count: u32, // numTokens * (numHeads + numKvHeads) * half4
  numHeads: u32,
  numKvHeads: u32,
  half4: u32, // headDim / 8: vec4s in half a head
  rowStride4: u32, // vec4s between two tokens' rows of the QKV buffer
  blockSize: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> inv_freq: array<vec4f>; // [headDim / 2]
@group(0) @binding(2) var<storage, read> positions: array<i32>;
@group(0) @binding(3) var<storage, read_write> qkv: array<vec4f>;
@group(0) @binding(4) var<storage, read> slotMapping: array<i32>;
${kvCacheWgsl(dtype, 5, 6, "read_write")}

${ROPE_REDUCTION_WGSL}

@compute @workgroup_size(${ROPE_AND_CACHE_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let idx = (wid.x + wid.y * nwg.x) * ${ROPE_AND_CACHE_WORKGROUP}u + lid;
  if (idx >= p.count) { return; }
  let heads = p.numHeads + p.numKvHeads;
  let c = idx % p.half4;
  let row = idx / p.half4;
  let head = row % heads;
  let t = row / heads;
  let headDim4 = 2u * p.half4;
  let lo = t * p.rowStride4 + head * headDim4 + c;
  let hi = lo + p.half4;
  let angle = f32(positions[t]) * inv_freq[c];
  let k = round(angle * INV_TWO_PI);
  let r = ((angle - k * TWO_PI_A) - k * TWO_PI_B) - k * TWO_PI_C;
  let cs = cos(r);
  let sn = sin(r);
  let x1 = qkv[lo];
  let x2 = qkv[hi];
  let y1 = x1 * cs - x2 * sn;
  let y2 = x2 * cs + x1 * sn;
  qkv[lo] = y1;
  qkv[hi] = y2;
  if (head < p.numHeads) { return; }
  let slot = slotMapping[t];
  if (slot < 0) { return; }
  let kvHead = head - p.numHeads;
  let block = u32(slot) / p.blockSize;
  let offset = u32(slot) % p.blockSize;
  let dst = ((block * p.numKvHeads + kvHead) * p.blockSize + offset) * headDim4 + c;
  storeKey(dst, y1);
  storeKey(dst + p.half4, y2);
  let v = lo + p.numKvHeads * headDim4;
  storeValue(dst, qkv[v]);
  storeValue(dst + p.half4, qkv[v + p.half4]);
}
`;
}
