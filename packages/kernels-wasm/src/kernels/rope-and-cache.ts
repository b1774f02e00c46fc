import { type KvCacheDtype, kvCacheDtypeCode, kvCacheRowBytes } from "@pagoda/kv-paging";
import { KernelId } from "../kernel-ids.js";
import type { KernelRuntime } from "../runtime/kernel-runtime.js";

/** Arguments of `ropeAndCache` on fused qkv rows `[q heads | k heads | v heads]`. */
export interface RopeAndCacheArgs {
  /** F32 `[numTokens, rowStride]`; q and k are rotated (and normalized) in place. */
  readonly qkv: number;
  /** Floats between token rows (at least (numHeads + 2 · numKvHeads) · headDim). */
  readonly rowStride: number;
  readonly numTokens: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  /** Even. */
  readonly headDim: number;
  /** i32 `[numTokens]`: each token's position. */
  readonly positions: number;
  /** i32 `[numTokens]`: cache slot (blockId · blockSize + offset), or −1 to not write. */
  readonly slotMapping: number;
  /** f64 `[headDim / 2]`: RoPE inverse frequencies (any scaling already applied). */
  readonly invFreq: number;
  /** Optional F32 `[headDim]` per-head RMSNorm weight of q (Qwen3); absent or 0: none. */
  readonly qNorm?: number;
  /** Optional F32 `[headDim]` per-head RMSNorm weight of k. */
  readonly kNorm?: number;
  /** Epsilon of the q/k norms. */
  readonly eps?: number;
  /** `[numBlocks, numKvHeads, blockSize, row]` of the layer, rows in `cacheDtype`. */
  readonly keyCache: number;
  readonly valueCache: number;
  /** Element type of the cache (rows of `kvCacheRowBytes(dtype, headDim)` bytes); default "f32". */
  readonly cacheDtype?: KvCacheDtype;
  readonly numBlocks: number;
  readonly blockSize: number;
}

/** Launches ropeAndCache: q/k norm (optional), rotate-half RoPE, k/v written at each slot. */
export function ropeAndCache(rt: KernelRuntime, a: RopeAndCacheArgs): void {
  const k = "ropeAndCache";
  const { numTokens, numHeads, numKvHeads, headDim, numBlocks, blockSize } = a;
  rt.checkCount(k, "numTokens", numTokens);
  rt.checkCount(k, "numHeads", numHeads);
  rt.checkCount(k, "numKvHeads", numKvHeads);
  rt.checkCount(k, "headDim", headDim, 2);
  if (headDim % 2 !== 0) rt.fail(k, "headDim", `must be even, got ${headDim}`);
  rt.checkCount(k, "numBlocks", numBlocks);
  rt.checkCount(k, "blockSize", blockSize);
  const width = (numHeads + 2 * numKvHeads) * headDim;
  rt.checkCount(k, "rowStride", a.rowStride, width);
  rt.checkPtr(k, "qkv", a.qkv, ((numTokens - 1) * a.rowStride + width) * 4);
  rt.checkPtr(k, "positions", a.positions, numTokens * 4);
  rt.checkPtr(k, "slotMapping", a.slotMapping, numTokens * 4);
  rt.checkPtr(k, "invFreq", a.invFreq, (headDim / 2) * 8, 8);
  const qNorm = a.qNorm ?? 0;
  const kNorm = a.kNorm ?? 0;
  if (qNorm !== 0) rt.checkPtr(k, "qNorm", qNorm, headDim * 4);
  if (kNorm !== 0) rt.checkPtr(k, "kNorm", kNorm, headDim * 4);
  const eps = a.eps ?? 1e-6;
  if (!Number.isFinite(eps) || eps < 0) rt.fail(k, "eps", `must be a finite number >= 0, got ${eps}`);
  const dtype = a.cacheDtype ?? "f32";
  if (dtype === "int8" && headDim % 4 !== 0)
    rt.fail(k, "headDim", `must be a multiple of 4 for an int8 cache, got ${headDim}`);
  if (kvCacheDtypeCode(dtype) < 0) rt.fail(k, "cacheDtype", `must be f32, f16 or int8, got ${dtype}`);
  const cacheBytes = numBlocks * numKvHeads * blockSize * kvCacheRowBytes(dtype, headDim);
  rt.checkPtr(k, "keyCache", a.keyCache, cacheBytes);
  rt.checkPtr(k, "valueCache", a.valueCache, cacheBytes);
  const slots = rt.i32(a.slotMapping, numTokens);
  const positions = rt.i32(a.positions, numTokens);
  const numSlots = numBlocks * blockSize;
  for (let t = 0; t < numTokens; t++) {
    const s = slots[t] as number;
    if (s < -1 || s >= numSlots)
      rt.fail(k, "slotMapping", `[${t}] = ${s} is not -1 nor a slot below ${numSlots}`);
    if ((positions[t] as number) < 0) rt.fail(k, "positions", `[${t}] = ${positions[t]} is negative`);
  }
  const [scratch, scratchStride] = rt.scratch(headDim * 4);
  const args = rt.args();
  args[0] = a.qkv;
  args[1] = a.rowStride;
  args[2] = numTokens;
  args[3] = numHeads;
  args[4] = numKvHeads;
  args[5] = headDim;
  args[6] = a.positions;
  args[7] = a.slotMapping;
  args[8] = a.invFreq;
  args[9] = qNorm;
  args[10] = kNorm;
  args[11] = eps;
  args[12] = a.keyCache;
  args[13] = a.valueCache;
  args[14] = blockSize;
  args[15] = scratch;
  args[16] = scratchStride;
  args[17] = kvCacheDtypeCode(dtype);
  rt.launch(KernelId.ropeAndCache, numTokens * ((numHeads + numKvHeads) * headDim * 4 + headDim * 20));
}
