import type { KvCacheDType } from "../cache/kv-cache-layout.js";
import { FLAT_WORKGROUP_WGSL } from "../runtime/grid.js";
import { pagedAttentionInputsWgsl } from "./attention-inputs.wgsl.js";

/** Invocations per workgroup of the thread-per-head decode kernel. */
export const DECODE_THREAD_WORKGROUP = 32;
/** Largest head dimension / 4 one invocation holds in private memory (head_dim 256). */
export const DECODE_THREAD_MAX_HEAD4 = 64;

/**
 * WGSL of paged decode attention for CPU adapters: invocation `seq * numHeads + head` walks the
 * sequence's whole context through the block table with an online softmax, keeping its q row
 * and output accumulator in private arrays. No workgroup memory and no barriers: on a software
 * adapter every barrier is a coroutine switch, which costs more than a short context's math.
 * Sequences whose query length is not 1 are left to the prefill kernel. The uniforms are those
 * of `decodeAttentionWgsl` (the partition fields unused); workgroups are spread with `grid`.
 */
export function decodeThreadWgsl(dtype: KvCacheDType): string {
  return /* wgsl */ `
struct Params {
  numSeqs: u32,
  numHeads: u32,
  numKvHeads: u32,
  headDim4: u32, // headDim / 4
  blockSize: u32,
  maxBlocksPerSeq: u32,
  partSize: u32, // unused here
  numParts: u32, // unused here
  scale: f32,
  qRowStride4: u32, // vec4s between two tokens' q rows
  qOffset4: u32, // vec4 column where q starts
}

const MAX_HEAD4: u32 = ${DECODE_THREAD_MAX_HEAD4}u;
const NEG: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> p: Params;
${pagedAttentionInputsWgsl(dtype)}
@group(0) @binding(7) var<storage, read_write> out: array<vec4f>; // [numTokens, numHeads * headDim4]
${FLAT_WORKGROUP_WGSL}

@compute @workgroup_size(${DECODE_THREAD_WORKGROUP})
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let index = flat_workgroup(wid, nwg) * ${DECODE_THREAD_WORKGROUP}u + lid;
  if (index >= p.numSeqs * p.numHeads) {
    return;
  }
  let seq = index / p.numHeads;
  let head = index % p.numHeads;
  let qStart = queryStartLoc[seq];
  if (queryStartLoc[seq + 1u] - qStart != 1) {
    return;
  }
  let token = u32(qStart);
  let seqLen = u32(seqLens[seq]);
  let d4n = p.headDim4;
  let kvHead = head / (p.numHeads / p.numKvHeads);
  let qRow = token * p.qRowStride4 + p.qOffset4 + head * d4n;

  // Explicit zeroing: lavapipe was seen to keep a loop-local private array's previous values.
  var qv: array<vec4f, MAX_HEAD4>;
  var acc: array<vec4f, MAX_HEAD4>;
  for (var d = 0u; d < d4n; d++) {
    qv[d] = q[qRow + d] * p.scale;
    acc[d] = vec4f(0.0);
  }

  var m = NEG;
  var l = 0.0;
  let table = seq * p.maxBlocksPerSeq;
  for (var pos = 0u; pos < seqLen; pos++) {
    let block = u32(blockTables[table + pos / p.blockSize]);
    let row = kvRow((block * p.numKvHeads + kvHead) * p.blockSize + pos % p.blockSize, d4n);
    let ks = keyScale(row, d4n);
    let vs = valueScale(row, d4n);
    var dot = vec4f(0.0);
    for (var d = 0u; d < d4n; d++) {
      dot += qv[d] * (loadKey(row + d) * ks);
    }
    let s = dot.x + dot.y + dot.z + dot.w;
    let mNew = max(m, s);
    let carry = exp(m - mNew);
    let w = exp(s - mNew);
    l = l * carry + w;
    for (var d = 0u; d < d4n; d++) {
      acc[d] = acc[d] * carry + w * (loadValue(row + d) * vs);
    }
    m = mNew;
  }

  let dst = (token * p.numHeads + head) * d4n;
  for (var d = 0u; d < d4n; d++) {
    out[dst + d] = acc[d] / l;
  }
}
`;
}
