import type { BlockPool } from "./block-pool.js";
import type { BlockPair } from "./fork.js";

/** One request's table as a swap sees it; `blockIds` is rewritten in place. */
export interface SwapTable {
  blockIds: number[];
  numTokens: number;
}

/**
 * How many blocks moving `tables` takes on the other side. Blocks shared inside the group move
 * once (and stay shared); with `unsharePartial`, a partly filled last block gets one copy per
 * table instead, so that no block arriving on the device is a copy-on-write source in the very
 * step that writes it.
 */
export function countSwapBlocks(
  tables: readonly SwapTable[],
  blockSize: number,
  unsharePartial: boolean,
): number {
  const seen = new Set<number>();
  let n = 0;
  for (const t of tables) {
    const partial = unsharePartial && t.numTokens % blockSize !== 0 ? t.blockIds.length - 1 : -1;
    t.blockIds.forEach((id, i) => {
      if (i === partial) n++;
      else if (!seen.has(id)) {
        seen.add(id);
        n++;
      }
    });
  }
  return n;
}

/**
 * Moves the blocks of `tables` from pool `from` to pool `to`: allocates their copies in `to`,
 * releases the originals and rewrites each table. Returns the `[fromBlock, toBlock]` pairs the
 * executor must copy, or `null` (nothing changed) when `to` has too few free blocks.
 */
export function moveBlocks(
  from: BlockPool,
  to: BlockPool,
  tables: readonly SwapTable[],
  unsharePartial: boolean,
): BlockPair[] | null {
  if (countSwapBlocks(tables, from.blockSize, unsharePartial) > to.numFreeBlocks) return null;
  const moved = new Map<number, number>();
  const pairs: BlockPair[] = [];
  for (const t of tables) {
    const partial = unsharePartial && t.numTokens % from.blockSize !== 0 ? t.blockIds.length - 1 : -1;
    for (let i = 0; i < t.blockIds.length; i++) {
      const src = t.blockIds[i] as number;
      let dst = i === partial ? undefined : moved.get(src);
      if (dst === undefined) {
        dst = to.allocate();
        pairs.push([src, dst]);
        if (i !== partial) moved.set(src, dst);
      } else {
        to.retain(dst);
      }
      from.release(src);
      t.blockIds[i] = dst;
    }
  }
  return pairs;
}
