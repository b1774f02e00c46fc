import { checkInt, KVCacheError } from "./errors.js";
import { type KvCacheDtype, kvCacheRowBytes } from "./kv-cache-dtype.js";

/** 2^10 bytes. Sizes here are binary: "64 GB" in the classic paging arithmetic is 64 GiB. */
export const KiB = 1024;
/** 2^20 bytes. */
export const MiB = 1024 * KiB;
/** 2^30 bytes. */
export const GiB = 1024 * MiB;

/** The parts of a model config that size its KV cache. */
export interface KVModelShape {
  numLayers: number;
  /** Key/value heads (fewer than query heads under grouped-query attention). */
  numKVHeads: number;
  headDim: number;
  /** Bytes per cached element: 2 for FP16/BF16, 1 for FP8, 4 for F32 (or give `kvCacheDtype`). */
  kvDtypeBytes?: number;
  /** Pagoda's cache dtype: sizes rows by {@link kvCacheRowBytes} (int8 scales included). */
  kvCacheDtype?: KvCacheDtype;
}

/** Bytes for the KV cache: given outright, or what is left of a device after weights and activations. */
export type MemoryBudget =
  | { kvCacheBytes: number }
  | {
      deviceMemoryBytes: number;
      /** Share of device memory the engine may use; default 0.9, as vLLM's `gpu_memory_utilization`. */
      utilization?: number;
      weightsBytes: number;
      /** Activations, workspace and runtime overhead; default 0. */
      activationReserveBytes?: number;
    };

/** How a KV cache budget divides into blocks. */
export interface KVCachePlan {
  bytesPerToken: number;
  bytesPerBlock: number;
  blockSize: number;
  kvCacheBytes: number;
  /** Blocks that fit, the null block included: pass it to `KVCacheManager` as `numBlocks`. */
  numBlocks: number;
  /** Tokens the blocks other than the null block hold. */
  numTokens: number;
}

/**
 * K and V of one token across all layers: `2 × layers × kvHeads × rowBytes`, a row being
 * `headDim × kvDtypeBytes` or, with `kvCacheDtype`, `kvCacheRowBytes(dtype, headDim)`.
 */
export function kvBytesPerToken(model: KVModelShape): number {
  checkInt("numLayers", model.numLayers, 1);
  checkInt("numKVHeads", model.numKVHeads, 1);
  checkInt("headDim", model.headDim, 1);
  if (model.kvCacheDtype !== undefined) {
    return 2 * model.numLayers * model.numKVHeads * kvCacheRowBytes(model.kvCacheDtype, model.headDim);
  }
  if (model.kvDtypeBytes === undefined || !(model.kvDtypeBytes > 0)) {
    throw new KVCacheError("kv.invalid_argument", `kvDtypeBytes must be positive, got ${model.kvDtypeBytes}`);
  }
  return 2 * model.numLayers * model.numKVHeads * model.headDim * model.kvDtypeBytes;
}

/** The bytes a budget leaves for the KV cache. */
export function kvCacheBytes(budget: MemoryBudget): number {
  const bytes =
    "kvCacheBytes" in budget
      ? budget.kvCacheBytes
      : budget.deviceMemoryBytes * (budget.utilization ?? 0.9) -
        budget.weightsBytes -
        (budget.activationReserveBytes ?? 0);
  if (!(bytes >= 0)) {
    throw new KVCacheError("kv.invalid_argument", `the budget leaves ${bytes} bytes for the KV cache`, {
      details: { budget },
    });
  }
  return bytes;
}

/** Divides a budget into KV cache blocks of `blockSize` tokens. */
export function planKVCache(model: KVModelShape, blockSize: number, budget: MemoryBudget): KVCachePlan {
  checkInt("blockSize", blockSize, 1);
  const bytesPerToken = kvBytesPerToken(model);
  const bytesPerBlock = bytesPerToken * blockSize;
  const bytes = kvCacheBytes(budget);
  const numBlocks = Math.floor(bytes / bytesPerBlock);
  return {
    bytesPerToken,
    bytesPerBlock,
    blockSize,
    kvCacheBytes: bytes,
    numBlocks,
    numTokens: Math.max(0, numBlocks - 1) * blockSize,
  };
}

/** How sequences take KV memory, for {@link maxConcurrentSequences}. */
export type SequenceAllocation =
  /** Each sequence reserves `maxModelLen` tokens up front. */
  | { kind: "contiguous"; maxModelLen: number }
  /**
   * Paged: each sequence holds `ceil(len / blockSize)` blocks. With lengths averaging
   * `meanTokens` and spread evenly modulo the block size, the last block leaves
   * `(blockSize - 1) / 2` slots empty on average.
   */
  | { kind: "paged"; meanTokens: number };

/** How many sequences fit in the plan's memory at once. */
export function maxConcurrentSequences(plan: KVCachePlan, allocation: SequenceAllocation): number {
  if (allocation.kind === "contiguous") {
    checkInt("maxModelLen", allocation.maxModelLen, 1);
    return Math.floor(plan.kvCacheBytes / (allocation.maxModelLen * plan.bytesPerToken));
  }
  if (!(allocation.meanTokens > 0)) {
    throw new KVCacheError(
      "kv.invalid_argument",
      `meanTokens must be positive, got ${allocation.meanTokens}`,
    );
  }
  return Math.floor(plan.numTokens / (allocation.meanTokens + (plan.blockSize - 1) / 2));
}
