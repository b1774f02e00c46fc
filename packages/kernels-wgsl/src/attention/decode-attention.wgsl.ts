import type { KvCacheDType } from "../cache/kv-cache-layout.js";
import { pagedAttentionInputsWgsl } from "./attention-inputs.wgsl.js";

/** Threads per workgroup of the decode kernel; also the largest GQA group it handles. */
export const DECODE_WORKGROUP = 128;
/** Workgroup scores buffer (f32s): a partition holds at most this many (token, head) scores. */
export const DECODE_SCORES = 1536;
/** Most context tokens one workgroup (one partition) covers. */
export const DECODE_MAX_PARTITION = 256;
/** Largest head dimension / 4 the kernel holds in workgroup memory. */
const MAX_HEAD4 = 64;

/** Query heads one thread carries at once: the largest of 4, 2, 1 dividing the GQA group. */
export function decodeHeadsPerThread(group: number): 1 | 2 | 4 {
  return group % 4 === 0 ? 4 : group % 2 === 0 ? 2 : 1;
}

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
 *   1. scores q·k * scale: a thread takes a key and `heads` query heads (q in workgroup
 *      memory), so each key vec4 loaded serves `heads` dot products;
 *   2. per head: max, then exp(s - max) and its sum (numerically stable softmax);
 *   3. the p-weighted sum of V rows: a thread takes a vec4 of dims, a slice of the positions
 *      and `heads` heads; the slices are summed through workgroup memory.
 * `split` writes the unnormalised partial output and (max, sum) per partition, which
 * `decodeReduceWgsl` merges; otherwise (one partition) it writes the normalised output.
 * Sequences whose query length is not 1 are left to the prefill kernel.
 */
export function decodeAttentionWgsl(split: boolean, dtype: KvCacheDType, heads: 1 | 2 | 4): string {
  const outputs = split
    ? /* wgsl */ `
@group(0) @binding(7) var<storage, read_write> partOut: array<vec4f>; // [numSeqs, numHeads, numParts, headDim4]
@group(0) @binding(8) var<storage, read_write> partStats: array<vec2f>; // [numSeqs, numHeads, numParts] (max, sum)`
    : /* wgsl */ `
@group(0) @binding(7) var<storage, read_write> out: array<vec4f>; // [numTokens, numHeads * headDim4]`;
  const store = split
    ? /* wgsl */ `
        let at = (seq * p.numHeads + kvHead * group + j) * p.numParts + part;
        partOut[at * d4n + t] = sum;
        if (t == 0u) {
          partStats[at] = vec2f(stats[j], stats[WG + j]);
        }`
    : /* wgsl */ `
        out[(token * p.numHeads + kvHead * group + j) * d4n + t] = sum / stats[WG + j];`;
  return /* wgsl */ `
${PARAMS}

const WG: u32 = ${DECODE_WORKGROUP}u;
const HEADS: u32 = ${heads}u;
const NEG: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> p: Params;
${pagedAttentionInputsWgsl(dtype)}
${outputs}

var<workgroup> scores: array<f32, ${DECODE_SCORES}>; // [head j][position i], row stride partSize
var<workgroup> rowOf: array<u32, ${DECODE_MAX_PARTITION}>; // first cache element of each position's row
var<workgroup> qChunk: array<vec4f, ${4 * MAX_HEAD4}>; // the HEADS query rows being scored
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
    rowOf[i] = kvRow((block * p.numKvHeads + kvHead) * p.blockSize + pos % p.blockSize, d4n);
  }

  // 1. scores, HEADS query heads at a time
  let qRow = token * p.qRowStride4 + p.qOffset4 + kvHead * group * d4n;
  for (var c = 0u; c < group; c += HEADS) {
    for (var e = t; e < HEADS * d4n; e += WG) {
      qChunk[e] = q[qRow + c * d4n + e];
    }
    workgroupBarrier();
    for (var i = t; i < n; i += WG) {
      let k = rowOf[i];
      let ks = keyScale(k, d4n);
      var dot = array<vec4f, HEADS>(); // explicit: lavapipe kept a loop-local var's old value
      for (var d = 0u; d < d4n; d++) {
        let kv = loadKey(k + d) * ks;
        for (var h = 0u; h < HEADS; h++) {
          dot[h] += qChunk[h * d4n + d] * kv;
        }
      }
      for (var h = 0u; h < HEADS; h++) {
        scores[(c + h) * p.partSize + i] = (dot[h].x + dot[h].y + dot[h].z + dot[h].w) * p.scale;
      }
    }
    workgroupBarrier();
  }

  // 2. softmax statistics: lanes threads per head, then one thread per head folds the lanes
  let lanes = WG / group;
  let jl = t / lanes;
  let lane = t % lanes;
  var m = NEG;
  if (jl < group) {
    for (var i = lane; i < n; i += lanes) {
      m = max(m, scores[jl * p.partSize + i]);
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
  var total = 0.0;
  if (jl < group) {
    let mj = stats[jl];
    for (var i = lane; i < n; i += lanes) {
      let e = exp(scores[jl * p.partSize + i] - mj);
      scores[jl * p.partSize + i] = e;
      total += e;
    }
  }
  red[t] = total;
  workgroupBarrier();
  if (t < group) {
    var lj = 0.0;
    for (var k = 0u; k < lanes; k++) {
      lj += red[t * lanes + k];
    }
    stats[WG + t] = lj;
  }
  workgroupBarrier();

  // 3. p-weighted V rows: thread (slice, d) sums positions slice, slice + slices, … of dims d
  let slices = WG / d4n;
  let d = t % d4n;
  let slice = t / d4n;
  for (var c = 0u; c < group; c += HEADS) {
    var acc = array<vec4f, HEADS>();
    if (slice < slices) {
      for (var i = slice; i < n; i += slices) {
        let v = loadValue(rowOf[i] + d) * valueScale(rowOf[i], d4n);
        for (var h = 0u; h < HEADS; h++) {
          acc[h] += scores[(c + h) * p.partSize + i] * v;
        }
      }
    }
    for (var h = 0u; h < HEADS; h++) {
      partial[t] = acc[h];
      workgroupBarrier();
      if (t < d4n) {
        var sum = vec4f(0.0);
        for (var k = 0u; k < slices; k++) {
          sum += partial[k * d4n + t];
        }
        let j = c + h;${store}
      }
      workgroupBarrier();
    }
  }
}
`;
}
