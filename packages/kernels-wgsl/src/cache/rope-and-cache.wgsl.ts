import { ROPE_REDUCTION_WGSL } from "../ops/rope.wgsl.js";
import { kvCacheWgsl } from "./kv-cache.wgsl.js";
import type { KvCacheDType } from "./kv-cache-layout.js";

// f32/f16: thread c rotates its chunk pair and stores it and the same chunks of the v head.
const VEC4_WRITE = /* wgsl */ `
  rotate(t, lo, c);
  if (slot < 0) { return; }
  let dst = cacheRow(u32(slot), kvHead) + c;
  storeKey(dst, qkv[lo]);
  storeKey(dst + p.half4, qkv[lo + p.half4]);
  storeValue(dst, qkv[v]);
  storeValue(dst + p.half4, qkv[v + p.half4]);`;

// int8: thread 0 of the head rotates every chunk (reading back its own writes), then quantizes.
const INT8_WRITE = /* wgsl */ `
  if (c != 0u) { return; }
  for (var e = 0u; e < p.half4; e++) { rotate(t, lo + e, e); }
  if (slot < 0) { return; }
  let dst = cacheRow(u32(slot), kvHead);
  var kMax = 0.0;
  var vMax = 0.0;
  for (var e = 0u; e < headDim4; e++) {
    let k = abs(qkv[lo + e]);
    let x = abs(qkv[v + e]);
    kMax = max(kMax, max(max(k.x, k.y), max(k.z, k.w)));
    vMax = max(vMax, max(max(x.x, x.y), max(x.z, x.w)));
  }
  let kScale = kMax / 127.0;
  let vScale = vMax / 127.0;
  for (var e = 0u; e < headDim4; e++) {
    storeKeyWord(dst + e, quantizeKv(qkv[lo + e], kScale));
    storeValueWord(dst + e, quantizeKv(qkv[v + e], vScale));
  }
  storeKeyWord(dst + headDim4, bitcast<u32>(kScale));
  storeValueWord(dst + headDim4, bitcast<u32>(vScale));`;

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
 * int8: a row's scale needs the whole rotated row, so thread c = 0 of a k head rotates all of it
 * and quantizes it and its v row (the other threads of the head return).
 */
export function ropeAndCacheWgsl(dtype: KvCacheDType): string {
  const write = dtype === "int8" ? INT8_WRITE : VEC4_WRITE;
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

// Rotates chunk c of the head whose first half starts at qkv[lo], in place.
fn rotate(t: u32, lo: u32, c: u32) {
  let hi = lo + p.half4;
  let angle = f32(positions[t]) * inv_freq[c];
  let k = round(angle * INV_TWO_PI);
  let r = ((angle - k * TWO_PI_A) - k * TWO_PI_B) - k * TWO_PI_C;
  let cs = cos(r);
  let sn = sin(r);
  let x1 = qkv[lo];
  let x2 = qkv[hi];
  qkv[lo] = x1 * cs - x2 * sn;
  qkv[hi] = x2 * cs + x1 * sn;
}

// Index of the first cache element of kv head h's row in cache slot "slot".
fn cacheRow(slot: u32, h: u32) -> u32 {
  let block = slot / p.blockSize;
  return kvRow((block * p.numKvHeads + h) * p.blockSize + slot % p.blockSize, 2u * p.half4);
}

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
  if (head < p.numHeads) {
    rotate(t, lo, c);
    return;
  }
  let slot = slotMapping[t];
  let kvHead = head - p.numHeads;
  let v = lo + p.numKvHeads * headDim4;${write}
}
`;
}
