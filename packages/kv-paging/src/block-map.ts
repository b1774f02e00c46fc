import type { BlockPool } from "./block-pool.js";
import type { RequestTables } from "./request-tables.js";

/** What a device block holds right now. */
export type BlockState = "used" | "cached" | "free";

/**
 * Who holds every device block, for visualisations and debugging: JSON-serialisable and
 * small (a few bytes per block), so a UI can poll it many times a second.
 */
export interface BlockMap {
  /** Device blocks, the null block 0 included (its state is always `used`). */
  numBlocks: number;
  blockSize: number;
  /** Per block: held by a request, free but still holding a cached prefix, or free and empty. */
  states: BlockState[];
  /** Per block: how many tables hold it (more than 1: shared by a prefix hit or a fork). */
  refCounts: number[];
  /** Each request on the device and its block table, in table order. Swapped-out requests are absent. */
  tables: Record<string, number[]>;
}

/** Builds a {@link BlockMap} of the device pool. */
export function collectBlockMap(pool: BlockPool, tables: RequestTables, blockSize: number): BlockMap {
  const numBlocks = pool.numTotalBlocks + 1;
  const states: BlockState[] = new Array(numBlocks);
  const refCounts: number[] = new Array(numBlocks);
  states[0] = "used";
  refCounts[0] = 0;
  for (let id = 1; id < numBlocks; id++) {
    refCounts[id] = pool.refCount(id);
    states[id] = !pool.isFree(id) ? "used" : pool.isCached(id) ? "cached" : "free";
  }
  const out: Record<string, number[]> = {};
  for (const id of tables.ids()) {
    const r = tables.get(id);
    if (!r.swapped) out[id] = r.blockIds.slice();
  }
  return { numBlocks, blockSize, states, refCounts, tables: out };
}
