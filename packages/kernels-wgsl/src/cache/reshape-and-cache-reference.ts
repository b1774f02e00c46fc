import { KernelError } from "../runtime/kernel-error.js";
import { cacheRowIndex, checkKvCacheLayout, type KvCacheLayout } from "./kv-cache-layout.js";

/** Inputs of {@link reshapeAndCacheReference}; the caches are written in place. */
export interface ReshapeAndCacheReferenceInput extends KvCacheLayout {
  /** [numTokens, numKvHeads * headDim] */
  readonly key: Float32Array;
  /** [numTokens, numKvHeads * headDim] */
  readonly value: Float32Array;
  /** [numTokens] cache slot of each token; -1 leaves the token out. */
  readonly slotMapping: Int32Array;
  /** [numBlocks, numKvHeads, blockSize, headDim], written in place. */
  readonly keyCache: Float32Array;
  /** [numBlocks, numKvHeads, blockSize, headDim], written in place. */
  readonly valueCache: Float32Array;
}

/** Plain TypeScript `reshapeAndCache`: the oracle its WGSL kernel is tested against. */
export function reshapeAndCacheReference(input: ReshapeAndCacheReferenceInput): void {
  checkKvCacheLayout(input);
  const { key, value, slotMapping, keyCache, valueCache, numKvHeads, headDim } = input;
  const width = numKvHeads * headDim;
  const numSlots = keyCache.length / headDim / numKvHeads;
  for (let t = 0; t < slotMapping.length; t++) {
    const slot = slotMapping[t] ?? -1;
    if (slot < 0) continue;
    if (slot >= numSlots) {
      throw new KernelError(
        "kv_cache.bad_slot",
        `token ${t} maps to slot ${slot}, past the cache's ${numSlots}`,
      );
    }
    for (let h = 0; h < numKvHeads; h++) {
      const dst = cacheRowIndex(input, slot, h);
      const src = t * width + h * headDim;
      keyCache.set(key.subarray(src, src + headDim), dst);
      valueCache.set(value.subarray(src, src + headDim), dst);
    }
  }
}
