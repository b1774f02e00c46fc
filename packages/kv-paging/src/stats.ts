import type { BlockPool } from "./block-pool.js";

/** A snapshot of a KV cache's occupancy and prefix-cache effectiveness. */
export interface KVCacheStats {
  /** Device blocks that can be handed out (the null block excluded). */
  numTotalBlocks: number;
  /** Device blocks held by at least one request. */
  numUsedBlocks: number;
  /** Device blocks with no holder, cached ones included: `numUsedBlocks + numFreeBlocks = numTotalBlocks`. */
  numFreeBlocks: number;
  /** Device blocks registered in the prefix cache, used or free. */
  numCachedBlocks: number;
  /** Free device blocks that still hold a cached prefix (evicted last, least recently used first). */
  numEvictableBlocks: number;
  /** `numUsedBlocks / numTotalBlocks`, 0 for an empty pool. */
  usage: number;
  /** Host (swap space) blocks that can be handed out. */
  numHostBlocks: number;
  /** Host blocks held by swapped-out requests. */
  numUsedHostBlocks: number;
  /** Prompt tokens of admitted requests that were looked up in the prefix cache. */
  prefixCacheQueries: number;
  /** Of those, tokens whose K/V came from the cache. */
  prefixCacheHits: number;
  /** `prefixCacheHits / prefixCacheQueries`, 0 before any query. */
  prefixCacheHitRate: number;
}

/** Prefix-cache counters, in tokens. */
export class PrefixCacheCounters {
  queries = 0;
  hits = 0;

  /** Records one admitted request: `queried` prompt tokens, `hit` of them from the cache. */
  record(queried: number, hit: number): void {
    this.queries += queried;
    this.hits += hit;
  }
}

/** Builds a {@link KVCacheStats} snapshot. */
export function collectStats(
  device: BlockPool,
  host: BlockPool,
  counters: PrefixCacheCounters,
): KVCacheStats {
  const numTotalBlocks = device.numTotalBlocks;
  return {
    numTotalBlocks,
    numUsedBlocks: device.numUsedBlocks,
    numFreeBlocks: device.numFreeBlocks,
    numCachedBlocks: device.numCachedBlocks,
    numEvictableBlocks: device.numEvictableBlocks,
    usage: numTotalBlocks === 0 ? 0 : device.numUsedBlocks / numTotalBlocks,
    numHostBlocks: host.numTotalBlocks,
    numUsedHostBlocks: host.numUsedBlocks,
    prefixCacheQueries: counters.queries,
    prefixCacheHits: counters.hits,
    prefixCacheHitRate: counters.queries === 0 ? 0 : counters.hits / counters.queries,
  };
}
