import { computeSlotMapping } from "@pagoda/kv-paging";
import type { FlatBatch } from "../batch/flat-batch.js";
import type { RequestState } from "../batch/request-states.js";
import type { PagedKvCache } from "./paged-kv-cache.js";

/**
 * Causal attention of every query row over the paged cache (which already holds this step's
 * keys and values): query at position p sees positions 0..p of its own sequence. GQA: query
 * head h reads kv head floor(h / (numHeads / numKvHeads)).
 */
export function pagedAttention(
  q: Float32Array,
  cache: PagedKvCache,
  layer: number,
  batch: FlatBatch,
  numHeads: number,
): Float32Array {
  const { headDim: d, blockSize, numKvHeads } = cache;
  const group = numHeads / numKvHeads;
  const scale = 1 / Math.sqrt(d);
  const out = new Float32Array(q.length);
  const scores = new Float64Array(Math.max(1, ...batch.seqLens));
  const acc = new Float64Array(d);

  for (let s = 0; s < batch.numSeqs; s++) {
    // The cache slot of each of the sequence's positions, and their stored keys and values.
    const { blockIds } = batch.requests[s] as RequestState;
    const slots = computeSlotMapping(blockIds, blockSize, 0, batch.seqLens[s] as number);
    for (let kvHead = 0; kvHead < numKvHeads; kvHead++) {
      const keys = cache.readRows("keys", layer, kvHead, slots);
      const values = cache.readRows("values", layer, kvHead, slots);
      for (let row = batch.queryStartLoc[s] as number; row < (batch.queryStartLoc[s + 1] as number); row++) {
        const pos = batch.positions[row] as number;
        for (let h = kvHead * group; h < (kvHead + 1) * group; h++) {
          const qo = (row * numHeads + h) * d;
          let max = Number.NEGATIVE_INFINITY;
          for (let j = 0; j <= pos; j++) {
            let dot = 0;
            for (let i = 0; i < d; i++) dot += (q[qo + i] as number) * (keys[j * d + i] as number);
            scores[j] = dot * scale;
            if (dot * scale > max) max = dot * scale;
          }
          let sum = 0;
          acc.fill(0);
          for (let j = 0; j <= pos; j++) {
            const w = Math.exp((scores[j] as number) - max);
            sum += w;
            for (let i = 0; i < d; i++) acc[i] = (acc[i] as number) + w * (values[j * d + i] as number);
          }
          for (let i = 0; i < d; i++) out[qo + i] = (acc[i] as number) / sum;
        }
      }
    }
  }
  return out;
}
