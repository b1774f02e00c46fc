import { cacheRowIndex } from "../cache/kv-cache-layout.js";
import { KernelError } from "../runtime/kernel-error.js";
import { type AttentionShape, checkAttentionShape, groupSize } from "./attention-shape.js";

/** Inputs of {@link pagedAttentionReference}: the same buffers the GPU launchers take, as arrays. */
export interface PagedAttentionReferenceInput extends AttentionShape {
  /** [numTokens, numHeads * headDim], RoPE already applied. */
  readonly q: Float32Array;
  /** [numBlocks, numKvHeads, blockSize, headDim] */
  readonly keyCache: Float32Array;
  /** [numBlocks, numKvHeads, blockSize, headDim] */
  readonly valueCache: Float32Array;
  /** [numSeqs * maxBlocksPerSeq] physical block of each logical block. */
  readonly blockTables: Int32Array;
  /** [numSeqs] tokens in the cache after this step, this step's included. */
  readonly seqLens: Int32Array;
  /** [numSeqs + 1] prefix sums of the tokens scheduled per sequence. */
  readonly queryStartLoc: Int32Array;
}

/**
 * Plain TypeScript causal attention over a paged KV cache, in f64: the oracle of the WGSL
 * kernels. A sequence's `queryLen` query rows sit at positions `seqLen-queryLen … seqLen-1`;
 * the row at position p attends to cache positions 0..p. Returns `[numTokens, numHeads*headDim]`.
 */
export function pagedAttentionReference(input: PagedAttentionReferenceInput): Float32Array {
  checkAttentionShape(input);
  const { q, keyCache, valueCache, blockTables, seqLens, queryStartLoc } = input;
  const { numHeads, headDim, blockSize, maxBlocksPerSeq, scale } = input;
  const group = groupSize(input);
  const out = new Float32Array(q.length);
  const scores = new Float64Array(Math.max(1, ...seqLens));
  const acc = new Float64Array(headDim);
  for (let s = 0; s < seqLens.length; s++) {
    const seqLen = seqLens[s] ?? 0;
    const qStart = queryStartLoc[s] ?? 0;
    const queryLen = (queryStartLoc[s + 1] ?? 0) - qStart;
    if (queryLen > seqLen || seqLen > maxBlocksPerSeq * blockSize) {
      throw new KernelError(
        "attention.bad_seq_len",
        `sequence ${s}: queryLen ${queryLen} and seqLen ${seqLen} do not fit (seqLen ≥ queryLen, ≤ ${maxBlocksPerSeq * blockSize})`,
      );
    }
    const slotOf = (pos: number) =>
      (blockTables[s * maxBlocksPerSeq + Math.floor(pos / blockSize)] ?? 0) * blockSize + (pos % blockSize);
    for (let i = 0; i < queryLen; i++) {
      const pos = seqLen - queryLen + i;
      for (let h = 0; h < numHeads; h++) {
        const kvHead = Math.floor(h / group);
        const qRow = ((qStart + i) * numHeads + h) * headDim;
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k <= pos; k++) {
          const kRow = cacheRowIndex(input, slotOf(k), kvHead);
          let dot = 0;
          for (let d = 0; d < headDim; d++) dot += (q[qRow + d] ?? 0) * (keyCache[kRow + d] ?? 0);
          scores[k] = dot * scale;
          max = Math.max(max, dot * scale);
        }
        acc.fill(0);
        let sum = 0;
        for (let k = 0; k <= pos; k++) {
          const p = Math.exp((scores[k] ?? 0) - max);
          sum += p;
          const vRow = cacheRowIndex(input, slotOf(k), kvHead);
          for (let d = 0; d < headDim; d++) acc[d] = (acc[d] ?? 0) + p * (valueCache[vRow + d] ?? 0);
        }
        for (let d = 0; d < headDim; d++) out[qRow + d] = (acc[d] ?? 0) / sum;
      }
    }
  }
  return out;
}
