import type { KvCacheDType } from "../cache/kv-cache-layout.js";
import { pagedAttentionInputsWgsl } from "./attention-inputs.wgsl.js";

/** A tile shape of the prefill kernel: query rows, keys per step and the head dimension it holds. */
export interface PrefillTile {
  /** Query rows per workgroup (4 threads per row). */
  readonly rows: number;
  /** Keys loaded into workgroup memory per step. */
  readonly keys: number;
  /** Head dimension the tile holds: a power of two ≥ the model's headDim, at least 16. */
  readonly headTile: number;
}

/** Threads that share one query row; each owns every 4th vec4 of the row's output. */
export const PREFILL_LANES = 4;

/** Workgroup memory of a tile in bytes (Q, K and V tiles, the score tile, a small header). */
export function prefillTileBytes(tile: PrefillTile): number {
  const { rows, keys, headTile } = tile;
  return 4 * (rows * headTile + 2 * keys * headTile + rows * keys) + 16;
}

/**
 * WGSL of causal flash attention over the paged cache. Workgroup (tile, head) owns up to `rows`
 * consecutive query tokens of one sequence; tile indices are laid out as
 * `tileStart(s) = floor(queryStartLoc[s] / rows) + s`, so a grid of `floor(numTokens/rows) +
 * numSeqs` tiles covers any mix of query lengths and each workgroup finds its sequence by binary
 * search. It streams keys from position 0 to its last query's position through workgroup
 * memory, `keys` at a time, with an online softmax (running max and sum per row) and the output
 * rows in registers. With `skipDecode` set it leaves sequences of query length 1 to the decode
 * kernel.
 */
export function prefillAttentionWgsl(tile: PrefillTile, dtype: KvCacheDType): string {
  const { rows, keys, headTile } = tile;
  const tile4 = headTile / 4;
  return /* wgsl */ `
struct Params {
  numSeqs: u32,
  numHeads: u32,
  numKvHeads: u32,
  headDim4: u32, // headDim / 4
  blockSize: u32,
  maxBlocksPerSeq: u32,
  skipDecode: u32,
  scale: f32,
  qRowStride4: u32, // vec4s between two tokens' q rows
  qOffset4: u32, // vec4 column where q starts
}

const BQ: u32 = ${rows}u;
const BK: u32 = ${keys}u;
const T4: u32 = ${tile4}u; // vec4s per row in workgroup memory
const LANES: u32 = ${PREFILL_LANES}u;
const ACC: u32 = ${tile4 / PREFILL_LANES}u; // vec4s of output per thread
const NEG: f32 = -3.0e38;

@group(0) @binding(0) var<uniform> p: Params;
${pagedAttentionInputsWgsl(dtype)}
@group(0) @binding(7) var<storage, read_write> out: array<vec4f>; // [numTokens, numHeads * headDim4]

var<workgroup> qs: array<vec4f, ${rows * tile4}>;
var<workgroup> ks: array<vec4f, ${keys * tile4}>;
var<workgroup> vs: array<vec4f, ${keys * tile4}>;
var<workgroup> sc: array<f32, ${rows * keys}>;
var<workgroup> tileInfo: vec4<i32>; // (seq, first token, rows, position of the first row)

fn locateTile(tile: u32) -> vec4<i32> {
  var lo = 0u;
  var hi = p.numSeqs;
  while (hi - lo > 1u) {
    let mid = (lo + hi) / 2u;
    if (u32(queryStartLoc[mid]) / BQ + mid <= tile) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  let qStart = queryStartLoc[lo];
  let qLen = queryStartLoc[lo + 1u] - qStart;
  let first = i32((tile - (u32(qStart) / BQ + lo)) * BQ);
  var n = 0;
  if (first < qLen && !(p.skipDecode != 0u && qLen == 1)) {
    n = min(i32(BQ), qLen - first);
  }
  return vec4i(i32(lo), qStart + first, n, seqLens[lo] - qLen + first);
}

@compute @workgroup_size(${rows * PREFILL_LANES})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) t: u32) {
  let h = wid.y;
  if (t == 0u) {
    tileInfo = locateTile(wid.x);
  }
  // Read back through workgroupUniformLoad so the barriers below sit in uniform control flow.
  let info = workgroupUniformLoad(&tileInfo);
  if (info.z <= 0) {
    return;
  }
  let seq = u32(info.x);
  let token0 = u32(info.y);
  let numRows = u32(info.z);
  let pos0 = u32(info.w);
  let d4n = p.headDim4;
  let kvHead = h / (p.numHeads / p.numKvHeads);
  let outStride = p.numHeads * d4n;

  for (var e = t; e < BQ * T4; e += BQ * LANES) {
    let r = e / T4;
    let d = e % T4;
    var v = vec4f(0.0);
    if (r < numRows && d < d4n) {
      v = q[(token0 + r) * p.qRowStride4 + p.qOffset4 + h * d4n + d] * p.scale;
    }
    qs[e] = v;
  }

  let r = t / LANES;
  let lane = t % LANES;
  // Rows past the sequence's queries shadow its last row, so they stay finite; never stored.
  let myPos = pos0 + min(r, numRows - 1u);
  let kvEnd = pos0 + numRows; // keys 0 .. last query position
  let table = seq * p.maxBlocksPerSeq;
  var acc = array<vec4f, ACC>();
  var rowMax = NEG;
  var rowSum = 0.0;

  for (var k0 = 0u; k0 < kvEnd; k0 += BK) {
    for (var e = t; e < BK * T4; e += BQ * LANES) {
      let kk = e / T4;
      let d = e % T4;
      let pos = k0 + kk;
      var kv = vec4f(0.0);
      var vv = vec4f(0.0);
      if (pos < kvEnd && d < d4n) {
        let block = u32(blockTables[table + pos / p.blockSize]);
        let row = kvRow((block * p.numKvHeads + kvHead) * p.blockSize + pos % p.blockSize, d4n);
        kv = loadKey(row + d) * keyScale(row, d4n);
        vv = loadValue(row + d) * valueScale(row, d4n);
      }
      ks[e] = kv;
      vs[e] = vv;
    }
    workgroupBarrier();

    for (var c = lane; c < BK; c += LANES) {
      var dot = vec4f(0.0);
      for (var d = 0u; d < d4n; d++) {
        dot += qs[r * T4 + d] * ks[c * T4 + d];
      }
      sc[r * BK + c] = dot.x + dot.y + dot.z + dot.w;
    }
    workgroupBarrier();

    // Online softmax: every lane of a row keeps the same running max and sum.
    var tileMax = NEG;
    for (var c = 0u; c < BK; c++) {
      if (k0 + c <= myPos) {
        tileMax = max(tileMax, sc[r * BK + c]);
      }
    }
    let newMax = max(rowMax, tileMax);
    let alpha = exp(rowMax - newMax);
    for (var i = 0u; i < ACC; i++) {
      acc[i] *= alpha;
    }
    var tileSum = 0.0;
    for (var c = 0u; c < BK; c++) {
      if (k0 + c <= myPos) {
        let pc = exp(sc[r * BK + c] - newMax);
        tileSum += pc;
        for (var i = 0u; i < ACC; i++) {
          acc[i] += pc * vs[c * T4 + lane + i * LANES];
        }
      }
    }
    rowSum = rowSum * alpha + tileSum;
    rowMax = newMax;
    workgroupBarrier();
  }

  if (r < numRows) {
    let row = (token0 + r) * outStride + h * d4n;
    for (var i = 0u; i < ACC; i++) {
      let d = lane + i * LANES;
      if (d < d4n) {
        out[row + d] = acc[i] / rowSum;
      }
    }
  }
}
`;
}
