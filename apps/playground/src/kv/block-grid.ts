import type { BlockState, KvSnapshot } from "../api/snapshot.js";
import { isSampleId } from "./request-colors.js";

/** One block of the KV map as the page draws it. */
export interface BlockCell {
  id: number;
  state: BlockState;
  /** Block 0, the null block: always "used", held by no request. */
  reserved: boolean;
  /** Request ids whose block tables hold this block, in the snapshot's table order. */
  holders: string[];
  refCount: number;
  /** More than one table holds it: a shared prefix or a fork. */
  shared: boolean;
  /** Fill colour: the first holder's colour; null for reserved, cached and free blocks. */
  color: string | null;
  /** The first holder is one sample of an `n > 1` request. */
  sample: boolean;
  /** Hover text. */
  title: string;
}

/** Turns the KV part of a snapshot into one cell per device block. */
export function blockCells(kv: KvSnapshot, colorOf: (requestId: string) => string): BlockCell[] {
  const holders: string[][] = Array.from({ length: kv.numBlocks }, () => []);
  for (const [requestId, table] of Object.entries(kv.tables)) {
    for (const block of table) {
      const list = holders[block];
      // A table may name the null block as padding; it stays reserved rather than owned.
      if (list && block !== 0 && !list.includes(requestId)) list.push(requestId);
    }
  }
  return kv.states.map((state, id) => {
    const reserved = id === 0;
    const held = holders[id] ?? [];
    const refCount = kv.refCounts[id] ?? 0;
    const first = held[0];
    const color = !reserved && state === "used" && first !== undefined ? colorOf(first) : null;
    return {
      id,
      state,
      reserved,
      holders: held,
      refCount,
      shared: refCount > 1,
      color,
      sample: first !== undefined && isSampleId(first),
      title: describe(id, state, reserved, held, refCount),
    };
  });
}

function describe(
  id: number,
  state: BlockState,
  reserved: boolean,
  held: string[],
  refCount: number,
): string {
  if (reserved) return "block 0: reserved null block";
  if (state === "free") return `block ${id}: free`;
  if (state === "cached") return `block ${id}: free, holds a cached prefix`;
  const who = held.length > 0 ? held.join(", ") : "a request not on the device map";
  return `block ${id}: ${who}${refCount > 1 ? ` (shared, ${refCount} tables)` : ""}`;
}

/** Counts of the cells by what they show, for the legend. */
export function blockCounts(cells: readonly BlockCell[]): {
  used: number;
  cached: number;
  free: number;
  shared: number;
} {
  const counts = { used: 0, cached: 0, free: 0, shared: 0 };
  for (const c of cells) {
    if (c.reserved) continue;
    counts[c.state]++;
    if (c.shared) counts.shared++;
  }
  return counts;
}
