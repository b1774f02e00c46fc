import type { KvCacheDType } from "../../cache/kv-cache-layout.js";
import { roundTripCache } from "../../testing/kv-cache-bytes.js";
import { randomF32, seededRandom } from "../../testing/random.js";
import type { AttentionShape } from "../attention-shape.js";
import type { PagedAttentionReferenceInput } from "../paged-attention-reference.js";

/** What a test batch looks like: per sequence its cached length after the step and query length. */
export interface BatchSpec {
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly blockSize: number;
  readonly seqLens: readonly number[];
  readonly queryLens: readonly number[];
  readonly seed: number;
  /** The host caches hold the values the dtype decodes to (kv-paging's codec), uploaded encoded. */
  readonly cacheDtype?: KvCacheDType;
}

/** A random batch over a paged cache, with host copies of everything the kernels read. */
export interface PagedBatch extends PagedAttentionReferenceInput {
  readonly numSeqs: number;
  readonly numTokens: number;
  readonly maxSeqLen: number;
  readonly maxQueryLen: number;
}

/** Fisher–Yates shuffle driven by a seeded stream. */
export function shuffled(values: number[], seed: number): number[] {
  const next = seededRandom(seed);
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j] ?? 0, values[i] ?? 0];
  }
  return values;
}

/**
 * Builds a batch whose sequences own randomly shuffled, non-contiguous physical blocks (with
 * spare blocks in between), a cache that is random everywhere (the null block included, so a
 * wrong lookup shows) and block tables padded with 0.
 */
export function makePagedBatch(spec: BatchSpec): PagedBatch {
  const { numHeads, numKvHeads, headDim, blockSize, seqLens, queryLens, seed } = spec;
  const cacheDtype = spec.cacheDtype ?? "f32";
  const numSeqs = seqLens.length;
  const blocksOf = seqLens.map((n) => Math.ceil(n / blockSize));
  const used = blocksOf.reduce((a, b) => a + b, 0);
  const numBlocks = 1 + used + Math.ceil(used / 2) + 1; // spare blocks make the tables sparse
  const cache = (s: number, min: number, max: number) => {
    const values = randomF32(numBlocks * numKvHeads * blockSize * headDim, s, min, max);
    return roundTripCache(cacheDtype, headDim, values);
  };
  const physical = shuffled(
    Array.from({ length: numBlocks - 1 }, (_, i) => i + 1),
    seed + 1,
  );
  const maxBlocksPerSeq = Math.max(1, ...blocksOf) + 1;
  const blockTables = new Int32Array(numSeqs * maxBlocksPerSeq);
  let next = 0;
  blocksOf.forEach((count, s) => {
    for (let b = 0; b < count; b++) blockTables[s * maxBlocksPerSeq + b] = physical[next++] ?? 0;
  });
  const queryStartLoc = new Int32Array(numSeqs + 1);
  queryLens.forEach((n, s) => {
    queryStartLoc[s + 1] = (queryStartLoc[s] ?? 0) + n;
  });
  const numTokens = queryStartLoc[numSeqs] ?? 0;
  const shape: AttentionShape = {
    numHeads,
    numKvHeads,
    headDim,
    blockSize,
    maxBlocksPerSeq,
    scale: 1 / Math.sqrt(headDim),
    cacheDtype,
  };
  return {
    ...shape,
    q: randomF32(numTokens * numHeads * headDim, seed + 2, -2, 2),
    keyCache: cache(seed + 3, -2, 2),
    valueCache: cache(seed + 4, -1, 1),
    blockTables,
    seqLens: Int32Array.from(seqLens),
    queryStartLoc,
    numSeqs,
    numTokens,
    maxSeqLen: Math.max(0, ...seqLens),
    maxQueryLen: Math.max(0, ...queryLens),
  };
}
