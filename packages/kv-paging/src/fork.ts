import { type BlockPool, NO_BLOCK } from "./block-pool.js";

/** A block copy or move for the executor: `[source, destination]`. */
export type BlockPair = [number, number];

/**
 * Gives a new holder (a forked child) every block of `blockIds` and returns its table: the
 * child shares the parent's K/V by reference count and nothing is copied until one of them
 * writes into a shared block.
 */
export function shareBlocks(pool: BlockPool, blockIds: readonly number[]): number[] {
  for (const id of blockIds) pool.retain(id);
  return blockIds.slice();
}

/**
 * True when the next token of a table holding `numTokens` tokens lands in a block that another
 * table also holds: the last block is partly filled and shared, so it must be copied first.
 * Full blocks are never written again, so sharing them needs no copy.
 */
export function needsCopyOnWrite(pool: BlockPool, blockIds: readonly number[], numTokens: number): boolean {
  if (numTokens % pool.blockSize === 0) return false;
  const last = blockIds[blockIds.length - 1];
  return last !== undefined && pool.refCount(last) > 1;
}

/**
 * Replaces the shared last block of `blockIds` (in place) with a private block and returns the
 * `[src, dst]` pair whose contents the executor must copy before the step's compute, or `null`
 * (nothing changed) when no block is free.
 */
export function copyOnWrite(pool: BlockPool, blockIds: number[]): BlockPair | null {
  const last = blockIds.length - 1;
  const src = blockIds[last] as number;
  const dst = pool.allocate();
  if (dst === NO_BLOCK) return null;
  blockIds[last] = dst;
  pool.release(src);
  return [src, dst];
}
