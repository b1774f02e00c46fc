import { type KvCacheDtype, kvCacheDtypeCode, kvCacheRowBytes } from "@pagoda/kv-paging";
import { KernelId } from "../kernel-ids.js";
import type { KernelRuntime } from "../runtime/kernel-runtime.js";

/** Arguments of `pagedAttention` (causal, GQA, over a paged f32, f16 or int8 cache). */
export interface PagedAttentionArgs {
  /** F32 query rows: token t, head h at `q + (t · qRowStride + h · headDim) · 4` (e.g. the fused qkv). */
  readonly q: number;
  /** Floats between query rows (at least numHeads · headDim). */
  readonly qRowStride: number;
  /** F32 output `[numTokens, numHeads · headDim]`, rows `outRowStride` floats apart. */
  readonly out: number;
  readonly outRowStride?: number;
  /** `[numBlocks, numKvHeads, blockSize, row]` of the layer, rows in `cacheDtype`. */
  readonly keyCache: number;
  readonly valueCache: number;
  /** Element type of the cache (rows of `kvCacheRowBytes(dtype, headDim)` bytes); default "f32". */
  readonly cacheDtype?: KvCacheDtype;
  readonly numBlocks: number;
  /** i32 `[numSeqs, maxBlocksPerSeq]`. */
  readonly blockTables: number;
  readonly maxBlocksPerSeq: number;
  /** i32 `[numSeqs + 1]`: first token row of each sequence, then numTokens. */
  readonly queryStartLoc: number;
  /** i32 `[numTokens]`: a token at position p attends to positions 0..p of its sequence. */
  readonly positions: number;
  readonly numSeqs: number;
  readonly numTokens: number;
  readonly numHeads: number;
  /** Divides numHeads; query head h reads kv head floor(h / (numHeads / numKvHeads)). */
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly blockSize: number;
  /** Score scale, usually 1 / sqrt(headDim). */
  readonly scale: number;
}

/** Query rows of one sequence per work item (fixed: the split must not depend on the thread count). */
const TILE_ROWS = 8;

/** Launches pagedAttention: online softmax in f32, work items of (up to 8 rows of a sequence, kv head). */
export function pagedAttention(rt: KernelRuntime, a: PagedAttentionArgs): void {
  const k = "pagedAttention";
  const { numSeqs, numTokens, numHeads, numKvHeads, headDim, blockSize, numBlocks, maxBlocksPerSeq } = a;
  rt.checkCount(k, "numSeqs", numSeqs);
  rt.checkCount(k, "numTokens", numTokens);
  rt.checkCount(k, "numHeads", numHeads);
  rt.checkCount(k, "numKvHeads", numKvHeads);
  if (numHeads % numKvHeads !== 0)
    rt.fail(k, "numKvHeads", `(${numKvHeads}) must divide numHeads (${numHeads})`);
  rt.checkCount(k, "headDim", headDim);
  rt.checkCount(k, "blockSize", blockSize);
  rt.checkCount(k, "numBlocks", numBlocks);
  rt.checkCount(k, "maxBlocksPerSeq", maxBlocksPerSeq);
  if (!Number.isFinite(a.scale)) rt.fail(k, "scale", `must be finite, got ${a.scale}`);
  const width = numHeads * headDim;
  rt.checkCount(k, "qRowStride", a.qRowStride, width);
  const outRowStride = a.outRowStride ?? width;
  rt.checkCount(k, "outRowStride", outRowStride, width);
  rt.checkPtr(k, "q", a.q, ((numTokens - 1) * a.qRowStride + width) * 4);
  rt.checkPtr(k, "out", a.out, ((numTokens - 1) * outRowStride + width) * 4);
  const dtype = a.cacheDtype ?? "f32";
  if (dtype === "int8" && headDim % 4 !== 0)
    rt.fail(k, "headDim", `must be a multiple of 4 for an int8 cache, got ${headDim}`);
  if (kvCacheDtypeCode(dtype) < 0) rt.fail(k, "cacheDtype", `must be f32, f16 or int8, got ${dtype}`);
  const cacheBytes = numBlocks * numKvHeads * blockSize * kvCacheRowBytes(dtype, headDim);
  rt.checkPtr(k, "keyCache", a.keyCache, cacheBytes);
  rt.checkPtr(k, "valueCache", a.valueCache, cacheBytes);
  rt.checkPtr(k, "blockTables", a.blockTables, numSeqs * maxBlocksPerSeq * 4);
  rt.checkPtr(k, "queryStartLoc", a.queryStartLoc, (numSeqs + 1) * 4);
  rt.checkPtr(k, "positions", a.positions, numTokens * 4);
  const work = checkIndices(rt, a);
  const group = numHeads / numKvHeads;
  // Per thread: acc [TILE_ROWS · group, headDim], (max, sum) per query, 2 maxes, 2 blocks of
  // scores, and for f16 / int8 one block of keys and one of values decoded to f32.
  const decoded = dtype === "f32" ? 0 : 2 * blockSize * headDim;
  const [scratch, scratchStride] = rt.scratch(
    (TILE_ROWS * group * (headDim + 2) + 2 + 2 * Math.ceil(blockSize / 4) * 4 + decoded) * 4,
  );
  const args = rt.args();
  args[0] = a.q;
  args[1] = a.qRowStride;
  args[2] = a.out;
  args[3] = outRowStride;
  args[4] = a.queryStartLoc;
  args[5] = numSeqs;
  args[6] = a.positions;
  args[7] = a.blockTables;
  args[8] = maxBlocksPerSeq;
  args[9] = numTokens;
  args[10] = numHeads;
  args[11] = numKvHeads;
  args[12] = headDim;
  args[13] = blockSize;
  args[14] = a.scale;
  args[15] = a.keyCache;
  args[16] = a.valueCache;
  args[17] = scratch;
  args[18] = scratchStride;
  args[19] = TILE_ROWS;
  args[20] = kvCacheDtypeCode(dtype);
  rt.launch(KernelId.pagedAttention, work * numHeads * headDim * 2);
}

/** Checks queryStartLoc, positions and the used block-table entries; returns Σ (position + 1). */
function checkIndices(rt: KernelRuntime, a: PagedAttentionArgs): number {
  const k = "pagedAttention";
  const starts = rt.i32(a.queryStartLoc, a.numSeqs + 1);
  const positions = rt.i32(a.positions, a.numTokens);
  const tables = rt.i32(a.blockTables, a.numSeqs * a.maxBlocksPerSeq);
  if (starts[0] !== 0 || starts[a.numSeqs] !== a.numTokens) {
    rt.fail(
      k,
      "queryStartLoc",
      `must start at 0 and end at numTokens (${a.numTokens}), got ${starts[0]} … ${starts[a.numSeqs]}`,
    );
  }
  let work = 0;
  for (let s = 0; s < a.numSeqs; s++) {
    const from = starts[s] as number;
    const to = starts[s + 1] as number;
    if (to < from) rt.fail(k, "queryStartLoc", `must not decrease ([${s}] = ${from}, [${s + 1}] = ${to})`);
    let maxPos = -1;
    for (let t = from; t < to; t++) {
      const p = positions[t] as number;
      if (p < 0) rt.fail(k, "positions", `[${t}] = ${p} is negative`);
      maxPos = Math.max(maxPos, p);
      work += p + 1;
    }
    const used = Math.floor(maxPos / a.blockSize) + 1;
    if (maxPos >= 0 && used > a.maxBlocksPerSeq) {
      rt.fail(
        k,
        "positions",
        `reach position ${maxPos} in sequence ${s}: ${used} blocks > maxBlocksPerSeq ${a.maxBlocksPerSeq}`,
      );
    }
    for (let b = 0; b < (maxPos >= 0 ? used : 0); b++) {
      const block = tables[s * a.maxBlocksPerSeq + b] as number;
      if (block < 0 || block >= a.numBlocks) {
        rt.fail(k, "blockTables", `[${s}, ${b}] = ${block} is not a block below numBlocks ${a.numBlocks}`);
      }
    }
  }
  return work;
}
