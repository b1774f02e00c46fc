import type { BlockPool } from "./block-pool.js";
import type { RequestState } from "./request-tables.js";

/**
 * The fewest tokens a truncation may leave `req` with: every block registered in the prefix
 * cache keeps its tokens, since the cache vouches for their K/V (and later blocks chain from it).
 */
export function minTokensAfterTruncate(req: RequestState, blockSize: number): number {
  return req.chain === null ? 0 : req.chain.numHashedBlocks * blockSize;
}

/**
 * Drops `req`'s token slots beyond `numTokens` (speculative decoding's rejected drafts), in
 * place: blocks left with no slot are released, last first, and returned. Slots dropped inside
 * the kept last block simply become free for the next tokens (their stale K/V is overwritten).
 * The caller checks `numTokens` against {@link minTokensAfterTruncate} and the slots held.
 */
export function truncateTable(pool: BlockPool, req: RequestState, numTokens: number): number[] {
  const keep = Math.ceil(numTokens / pool.blockSize);
  const freed = req.blockIds.splice(keep);
  for (let i = freed.length - 1; i >= 0; i--) pool.release(freed[i] as number);
  req.numTokens = numTokens;
  return freed;
}
