import { KV_CACHE_DTYPES, type KvCacheDtype, planKVCache } from "@pagoda/kv-paging";
import type { ModelConfig } from "@pagoda/model-loaders";
import { ExecutorError } from "../errors.js";

/** What every executor is sized by (the KV cache, the largest step). */
export interface SizeOptions {
  blockSize: number;
  /** KV cache blocks, the null block 0 included; or give `kvCacheBytes` and let the planner divide it. */
  numBlocks?: number;
  kvCacheBytes?: number;
  /** Host-memory blocks for swapped-out KV (the scheduler's swap space); default 0. */
  numSwapBlocks?: number;
  /** Element type of the KV cache (int8: one f32 scale per token and kv head); default "f32". */
  kvCacheDtype?: KvCacheDtype;
  /** Most tokens in one step (activations are sized for it). */
  maxNumBatchedTokens: number;
  /** Most sequences in one step (metadata, logits and sampling buffers are sized for it). */
  maxNumSeqs: number;
  /** Longest sequence; default the model's `maxPositionEmbeddings`, capped by the cache. */
  maxModelLen?: number;
  /**
   * Most draft tokens one request brings to verify in a step (speculative decoding); default 0.
   * Logits buffers hold `1 + numSpeculativeTokens` rows per sequence (capped by the token budget).
   */
  numSpeculativeTokens?: number;
}

/** The sizes everything is allocated for, resolved from the options and the model. */
export interface ExecutorSizes {
  readonly blockSize: number;
  readonly numBlocks: number;
  readonly numSwapBlocks: number;
  readonly kvCacheDtype: KvCacheDtype;
  readonly maxNumBatchedTokens: number;
  readonly maxNumSeqs: number;
  readonly maxModelLen: number;
  /** Block-table row capacity: `ceil(maxModelLen / blockSize)`. */
  readonly maxBlocksPerSeq: number;
  /** Most draft tokens a request may bring in one step. */
  readonly numSpeculativeTokens: number;
  /** Logits rows one step may need: a row per sequence, plus one per draft token. */
  readonly maxLogitRows: number;
}

/** Checks the `numSpeculativeTokens` option (an integer ≥ 0, default 0). */
export function speculativeTokensOption(value: number | undefined): number {
  return count("numSpeculativeTokens", value ?? 0, 0);
}

function count(name: string, value: number | undefined, min: number): number {
  if (value === undefined || !Number.isInteger(value) || value < min) {
    throw new ExecutorError("executor.bad_option", `${name} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/** Resolves and checks the sizes; the block count comes from `kvCacheBytes` through the memory planner. */
export function resolveSizes(
  config: Pick<ModelConfig, "numLayers" | "numKvHeads" | "headDim" | "maxPositionEmbeddings">,
  options: SizeOptions,
): ExecutorSizes {
  const blockSize = count("blockSize", options.blockSize, 1);
  const kvCacheDtype = options.kvCacheDtype ?? "f32";
  if (!KV_CACHE_DTYPES.includes(kvCacheDtype)) {
    throw new ExecutorError(
      "executor.bad_option",
      `kvCacheDtype must be one of ${KV_CACHE_DTYPES.join(", ")}, got ${kvCacheDtype}`,
    );
  }
  if (kvCacheDtype === "int8" && config.headDim % 4 !== 0) {
    throw new ExecutorError(
      "executor.bad_option",
      `an int8 KV cache needs headDim % 4 == 0, got ${config.headDim}`,
    );
  }
  let numBlocks: number;
  if (options.numBlocks !== undefined) {
    numBlocks = count("numBlocks", options.numBlocks, 2);
  } else if (options.kvCacheBytes !== undefined) {
    const shape = { numLayers: config.numLayers, numKVHeads: config.numKvHeads, headDim: config.headDim };
    const plan = planKVCache({ ...shape, kvCacheDtype }, blockSize, {
      kvCacheBytes: options.kvCacheBytes,
    });
    numBlocks = count(`numBlocks planned from kvCacheBytes ${options.kvCacheBytes}`, plan.numBlocks, 2);
  } else {
    throw new ExecutorError("executor.bad_option", "give numBlocks or kvCacheBytes");
  }
  const cacheTokens = (numBlocks - 1) * blockSize;
  const maxModelLen = count(
    "maxModelLen",
    options.maxModelLen ?? Math.min(config.maxPositionEmbeddings, cacheTokens),
    1,
  );
  const maxNumBatchedTokens = count("maxNumBatchedTokens", options.maxNumBatchedTokens, 1);
  const maxNumSeqs = count("maxNumSeqs", options.maxNumSeqs, 1);
  const numSpeculativeTokens = speculativeTokensOption(options.numSpeculativeTokens);
  // Every logits row is a batched token, so the token budget caps the draft rows.
  const draftRows = Math.min(maxNumBatchedTokens, maxNumSeqs * (1 + numSpeculativeTokens));
  return {
    blockSize,
    numBlocks,
    numSwapBlocks: count("numSwapBlocks", options.numSwapBlocks ?? 0, 0),
    kvCacheDtype,
    maxNumBatchedTokens,
    maxNumSeqs,
    maxModelLen,
    maxBlocksPerSeq: Math.ceil(maxModelLen / blockSize),
    numSpeculativeTokens,
    maxLogitRows: Math.max(maxNumSeqs, draftRows),
  };
}
