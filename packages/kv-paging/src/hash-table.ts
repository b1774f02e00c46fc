/**
 * A map from block hash (a non-negative safe integer) to block id, as an open-addressing table
 * over typed arrays: linear probing, deletion by backward shift (no tombstones). A pool caches
 * at most one hash per block, so the capacity is fixed at construction (at least twice the
 * entries it can hold) and the table never grows; `get`, `set` and `delete` allocate nothing,
 * unlike a `Map` keyed by non-small-integer numbers.
 */
export class BlockHashTable {
  private readonly keys: Float64Array;
  /** -1 = empty slot. */
  private readonly values: Int32Array;
  private readonly mask: number;
  private count = 0;

  /** A table for at most `maxEntries` entries. */
  constructor(readonly maxEntries: number) {
    let capacity = 2;
    while (capacity < 2 * maxEntries) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  /** Entries in the table. */
  get size(): number {
    return this.count;
  }

  /** The block id stored under `hash`, or -1. */
  get(hash: number): number {
    for (let i = this.home(hash); ; i = (i + 1) & this.mask) {
      const v = this.values[i] as number;
      if (v === -1 || this.keys[i] === hash) return v;
    }
  }

  /** Stores `id` under `hash`, replacing any previous value. */
  set(hash: number, id: number): void {
    let i = this.home(hash);
    while (this.values[i] !== -1 && this.keys[i] !== hash) i = (i + 1) & this.mask;
    if (this.values[i] === -1) {
      if (this.count === this.maxEntries) throw new RangeError(`BlockHashTable is full (${this.maxEntries})`);
      this.count++;
    }
    this.keys[i] = hash;
    this.values[i] = id;
  }

  /** Removes `hash`; returns whether it was present. */
  delete(hash: number): boolean {
    let i = this.home(hash);
    while (this.keys[i] !== hash || this.values[i] === -1) {
      if (this.values[i] === -1) return false;
      i = (i + 1) & this.mask;
    }
    // Shift later members of the probe run back into the hole, unless their home lies after it.
    for (let j = (i + 1) & this.mask; this.values[j] !== -1; j = (j + 1) & this.mask) {
      const k = this.home(this.keys[j] as number);
      const stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (stays) continue;
      this.keys[i] = this.keys[j] as number;
      this.values[i] = this.values[j] as number;
      i = j;
    }
    this.values[i] = -1;
    this.count--;
    return true;
  }

  private home(hash: number): number {
    return (hash ^ Math.imul((hash / 4294967296) | 0, 0x9e3779b1)) & this.mask;
  }
}
