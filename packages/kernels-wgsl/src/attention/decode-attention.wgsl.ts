import { kvCacheWgsl } from "../cache/kv-cache.wgsl.js";
import type { KvCacheDType } from "../cache/kv-cache-layout.js";

/** Threads per workgroup of the decode kernel; also the largest GQA group it handles. */
export const DECODE_WORKGROUP = 128;
/** Workgroup scores buffer (f32s): a partition holds at most this many (token, head) scores. */
export const DECODE_SCORES = 2048;
/** Most context tokens one workgroup (one partition) covers. */
export const DECODE_MAX_PARTITION = 512;

const PARAMS = /* wgsl */ `
struct Params {
  numSeqs: u32,
  numHeads: u32,
  numKvHeads: u32,
  headDim4: u32, // headDim / 4
  blockSize: u32,
  maxBlocksPerSeq: u32,
  partSize: u32, // context tokens per partition
  numParts: u32,
  scale: f32,
  qRowStride4: u32, // vec4s between two tokens' q rows
  qOffset4: u32, // vec4 column where q starts
}`;

/**
 * WGSL of paged decode attention (flash-decoding). Workgroup (kvHead, seq, part) handles the
 * sequence's one query token for every query head of the kv head's GQA group, over context
 * positions [part*partSize, (part+1)*partSize), so K/V are read once per group:
 *   0. the cache row of each position, through the block table, into workgroup memory;
 *   1. scores q·k * scale for every (position, head) pair;
 *   2. per head: max, then exp(s - max) and its sum (numerically stable softmax);
 *   3. per (head, vec4 of dims): the p-weighted sum of V rows.
 * `split` writes the unnormalised partial output and (max, sum) per partition, which
 * `decodeReduceWgsl` merges; otherwise (one partition) it writes the normalised output.
 * Sequences whose query length is not 1 are left to the prefill kernel.
 */
export function decodeAttentionWgsl(split: boolean, dtype: KvCacheDType): string {
  const outputs = split
    ? /* wgsl */ `
@group(0) @binding(7) var<storage, read_write> partOut: array<vec4f>; // [numSeqs, numHeads, numParts, headDim4]
@group(0) @binding(8) var<storage, read_write> partStats: array<vec2f>; // [numSeqs, numHeads, numParts] (max, sum)`
    : /* wgsl */ `
@group(0) @binding(7) var<storage, read_write> out: array<vec4f>; // [numTokens, numHeads * headDim4]`;
  const store = split
    ? /* wgsl */ `
      let at = (seq * p.numHeads + h) * p.numParts + part;
      partOut[at * d4n + d] = acc;
      if (d == 0u) {
        partStats[at] = vec2f(stats[jj], stats[MAX_GROUP + jj]);
      }`
    : /* wgsl */ `
      out[(token * p.numHeads + h) * d4n + d] = acc / stats[MAX_GROUP + jj];`;
  return /* wgsl */ `
${PARAMS}

const WG: u32 = ${DECODE_WORKGROUP}u;
const MAX_GROUP: u32 = ${DECODE_WORKGROUP}u;
const SCORES: u32 = ${DECODE_SCORES}u;
const MAX_PART: u32 = ${DECODE_MAX_PARTITION}u;
const NEG: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4f>; // token t's heads at t * qRowStride4 + qOffset4
${kvCacheWgsl(dtype, 2, 3, "read")}
@group(0) @binding(4) var<storage, read> blockTables: array<i32>;
@group(0) @binding(5) var<storage, read> seqLens: array<i32>;
@group(0) @binding(6) var<storage, read> queryStartLoc: array<i32>;
${outputs}

var<workgroup> scores: array<f32, SCORES>; // [head j][position i], row stride partSize
var<workgroup> rowOf: array<u32, MAX_PART>; // vec4 index of each position's cache row
var<workgroup> red: array<f32, WG>;
var<workgroup> stats: array<f32, ${2 * DECODE_WORKGROUP}>; // max per head, then sum per head
var<workgroup> partial: array<vec4f, WG>;
var<workgroup> seqInfo: vec2<i32>; // (query token, seqLen), or (-1, 0) when not a decode sequence

@compute @workgroup_size(${DECODE_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let kvHead = wid.x;
  let seq = wid.y;
  let part = wid.z;
  if (t == 0u) {
    let qStart = queryStartLoc[seq];
    if (queryStartLoc[seq + 1u] - qStart == 1) {
      seqInfo = vec2i(qStart, seqLens[seq]);
    } else {
      seqInfo = vec2i(-1, 0);
    }
  }
  // Read back through workgroupUniformLoad so the barriers below sit in uniform control flow.
  let info = workgroupUniformLoad(&seqInfo);
  if (info.x < 0) {
    return;
  }
  let token = u32(info.x);
  let seqLen = u32(info.y);
  let group = p.numHeads / p.numKvHeads;
  let d4n = p.headDim4;
  let start = part * p.partSize;
  let end = min(seqLen, start + p.partSize);
  if (start >= end) {
    return; // past the sequence: the merge kernel reads only the partitions a sequence fills
  }
  let n = end - start;

  // 0. cache rows of this partition's positions
  let table = seq * p.maxBlocksPerSeq;
  for (var i = t; i < n; i += WG) {
    let pos = start + i;
    let block = u32(blockTables[table + pos / p.blockSize]);
    rowOf[i] = ((block * p.numKvHeads + kvHead) * p.blockSize + pos % p.blockSize) * d4n;
  }
  workgroupBarrier();

  // 1. scores; neighbouring threads share a key row (pairs ordered position-major)
  let qRow = token * p.qRowStride4 + p.qOffset4 + kvHead * group * d4n;
  for (var e = t; e < n * group; e += WG) {
    let i = e / group;
    let j = e % group;
    let k = rowOf[i];
    let qj = qRow + j * d4n;
    var dot = vec4f(0.0);
    for (var d = 0u; d < d4n; d++) {
      dot += q[qj + d] * loadKey(k + d);
    }
    scores[j * p.partSize + i] = (dot.x + dot.y + dot.z + dot.w) * p.scale;
  }
  workgroupBarrier();

  // 2. softmax statistics: lanes threads per head, then one thread per head folds the lanes
  let lanes = WG / group;
  let j = t / lanes;
  let lane = t % lanes;
  var m = NEG;
  if (j < group) {
    for (var i = lane; i < n; i += lanes) {
      m = max(m, scores[j * p.partSize + i]);
    }
  }
  red[t] = m;
  workgroupBarrier();
  if (t < group) {
    var mj = NEG;
    for (var k = 0u; k < lanes; k++) {
      mj = max(mj, red[t * lanes + k]);
    }
    stats[t] = mj;
  }
  workgroupBarrier();
  var sum = 0.0;
  if (j < group) {
    let mj = stats[j];
    for (var i = lane; i < n; i += lanes) {
      let e = exp(scores[j * p.partSize + i] - mj);
      scores[j * p.partSize + i] = e;
      sum += e;
    }
  }
  red[t] = sum;
  workgroupBarrier();
  if (t < group) {
    var lj = 0.0;
    for (var k = 0u; k < lanes; k++) {
      lj += red[t * lanes + k];
    }
    stats[MAX_GROUP + t] = lj;
  }
  workgroupBarrier();

  // 3. p-weighted V rows. With fewer (head, dim) pairs than threads, slices of the positions
  // run side by side and are summed through workgroup memory.
  let pairs = group * d4n;
  let slices = max(1u, WG / pairs);
  var acc = vec4f(0.0);
  if (slices > 1u) {
    let pair = t % pairs;
    let slice = t / pairs;
    if (slice < slices) {
      let jj = pair / d4n;
      let d = pair % d4n;
      for (var i = slice; i < n; i += slices) {
        acc += scores[jj * p.partSize + i] * loadValue(rowOf[i] + d);
      }
    }
    partial[t] = acc;
    workgroupBarrier();
    if (t < pairs) {
      acc = vec4f(0.0);
      for (var k = 0u; k < slices; k++) {
        acc += partial[k * pairs + t];
      }
      let jj = t / d4n;
      let d = t % d4n;
      let h = kvHead * group + jj;${store}
    }
    return;
  }
  for (var e = t; e < pairs; e += WG) {
    let jj = e / d4n;
    let d = e % d4n;
    acc = vec4f(0.0);
    for (var i = 0u; i < n; i++) {
      acc += scores[jj * p.partSize + i] * loadValue(rowOf[i] + d);
    }
    let h = kvHead * group + jj;${store}
  }
}
`;
}
