export {
  type BlockHasher,
  type ExtraKeys,
  extraKeysId,
  hashBlockTokens,
  hashString,
  ROOT_BLOCK_HASH,
} from "./block-hash.js";
export type { BlockMap, BlockState } from "./block-map.js";
export { BlockPool, type BlockPoolOptions, NO_BLOCK, NULL_BLOCK_ID } from "./block-pool.js";
export { KVCacheError } from "./errors.js";
export { type BlockPair, copyOnWrite, needsCopyOnWrite, shareBlocks } from "./fork.js";
export { FreeBlockQueue } from "./free-block-queue.js";
export { decodeKvRow, encodeKvRow } from "./kv-cache-codec.js";
export {
  DEFAULT_KV_CACHE_DTYPE,
  KV_CACHE_DTYPES,
  type KvCacheDtype,
  kvCacheDtypeCode,
  kvCacheRowBytes,
  parseKvCacheDtype,
} from "./kv-cache-dtype.js";
export {
  type AllocateOptions,
  type ComputedBlocks,
  KVCacheManager,
  type KVCacheManagerOptions,
} from "./kv-cache-manager.js";
export {
  generateLengthTrace,
  type LengthTraceOptions,
  type LogNormalLengths,
  REALISTIC_LENGTH_MIX,
  sampleLogNormal,
  seededRandom,
  type TraceRequest,
} from "./length-trace.js";
export {
  GiB,
  KiB,
  type KVCachePlan,
  type KVModelShape,
  kvBytesPerToken,
  kvCacheBytes,
  type MemoryBudget,
  MiB,
  maxConcurrentSequences,
  planKVCache,
  type SequenceAllocation,
} from "./memory-planner.js";
export { type HashChain, PrefixCache } from "./prefix-cache.js";
export { computeSlotMapping, PAD_SLOT_ID, packBlockTables, slotFor } from "./slot-mapping.js";
export { collectStats, type KVCacheStats, PrefixCacheCounters } from "./stats.js";
export { countSwapBlocks, moveBlocks, type SwapTable } from "./swap.js";
export { measureWaste, type SchemeWaste, type WasteFigures, type WasteReport } from "./waste.js";
