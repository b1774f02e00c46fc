import { NULL_BLOCK_ID } from "./block-pool.js";
import { checkInt, KVCacheError } from "./errors.js";

/** The slot of a padding token: the executor writes no K/V for it. */
export const PAD_SLOT_ID = -1;

/**
 * The cache slot of token `position` in a request with block table `blockIds`:
 * `blockIds[position / blockSize] * blockSize + position % blockSize`.
 */
export function slotFor(blockIds: readonly number[], blockSize: number, position: number): number {
  const block = blockIds[Math.floor(position / blockSize)];
  if (block === undefined || position < 0 || !Number.isInteger(position)) {
    throw new KVCacheError(
      "kv.invalid_argument",
      `position ${position} is outside a table of ${blockIds.length} blocks of ${blockSize}`,
      { details: { position, numBlocks: blockIds.length, blockSize } },
    );
  }
  return block * blockSize + (position % blockSize);
}

/**
 * Writes the slots of positions `[start, end)` into `out` from `offset` on (a new array by
 * default): the executor's `slot_mapping` for one request's scheduled tokens.
 *
 * @example
 * computeSlotMapping([7, 3], 4, 2, 6); // Int32Array [30, 31, 12, 13]
 */
export function computeSlotMapping(
  blockIds: readonly number[],
  blockSize: number,
  start: number,
  end: number,
  out: Int32Array = new Int32Array(Math.max(0, end - start)),
  offset = 0,
): Int32Array {
  checkInt("start", start, 0);
  checkInt("end", end, start, blockIds.length * blockSize);
  checkInt("offset", offset, 0, out.length - (end - start));
  let i = offset;
  for (let pos = start; pos < end; pos++) {
    out[i++] = (blockIds[Math.floor(pos / blockSize)] as number) * blockSize + (pos % blockSize);
  }
  return out;
}

/**
 * Packs block tables into one row-major `[tables.length, width]` array padded with the null
 * block, the layout paged-attention kernels read. `width` defaults to the longest table.
 */
export function packBlockTables(tables: readonly (readonly number[])[], width?: number): Int32Array {
  const w = width ?? tables.reduce((m, t) => Math.max(m, t.length), 0);
  const out = new Int32Array(tables.length * w).fill(NULL_BLOCK_ID);
  tables.forEach((t, row) => {
    checkInt("width", w, t.length);
    out.set(t, row * w);
  });
  return out;
}
