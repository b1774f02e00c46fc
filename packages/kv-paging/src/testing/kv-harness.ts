import { type ExtraKeys, extraKeysId } from "../block-hash.js";
import type { BlockPair } from "../fork.js";
import { KVCacheManager, type KVCacheManagerOptions } from "../kv-cache-manager.js";

/** Thrown by the harness when an invariant fails; the message names it. */
export class InvariantViolation extends Error {}

function expect(cond: boolean, what: string): void {
  if (!cond) throw new InvariantViolation(what);
}

/**
 * A {@link KVCacheManager} driven the way a scheduler and an executor drive it, beside a shadow
 * of device and host memory: every allocation writes the request's tokens into its slots, every
 * copy and swap pair moves shadow contents. `check()` then verifies the manager's bookkeeping
 * against an independent recount, and every request's cache contents against its tokens.
 */
export class KVHarness {
  readonly kv: KVCacheManager;
  readonly blockSize: number;
  private readonly device: Int32Array[];
  private readonly host: Int32Array[];
  /** The cache namespace of the request that wrote each device / host block. */
  private readonly deviceNs: string[];
  private readonly hostNs: string[];
  private readonly namespaces = new Map<string, string>();
  /** Every known token of each live request (prompt, then outputs). */
  readonly tokens = new Map<string, number[]>();
  private nextId = 0;

  constructor(options: KVCacheManagerOptions) {
    this.kv = new KVCacheManager(options);
    this.blockSize = options.blockSize;
    const mem = (n: number) => Array.from({ length: n }, () => new Int32Array(options.blockSize).fill(-1));
    this.device = mem(options.numBlocks);
    this.host = mem(Math.max(1, options.numHostBlocks ?? 0));
    this.deviceNs = this.device.map(() => "");
    this.hostNs = this.host.map(() => "");
  }

  /** Live request ids, in admission order. */
  ids(): string[] {
    return [...this.tokens.keys()];
  }

  /** Admits a request: prefix lookup, then its first prefill chunk. Returns its id, or null when it does not fit. */
  admit(prompt: number[], chunk: number, extraKeys?: ExtraKeys): string | null {
    const hit = this.lookup(prompt, extraKeys);
    const id = `r${this.nextId++}`;
    const n = Math.min(chunk, prompt.length - hit.numComputedTokens);
    const opts = { newComputedBlocks: hit.blockIds, tokenIds: prompt, extraKeys };
    const canAllocate = this.kv.canAllocate(id, n, opts);
    const before = canAllocate ? "" : this.snapshot();
    const added = this.kv.allocateSlots(id, n, opts);
    expect((added !== null) === canAllocate, "canAllocate agrees with allocateSlots");
    if (added === null) {
      expect(this.snapshot() === before && !this.kv.hasRequest(id), "a failed admission changes nothing");
      return null;
    }
    this.tokens.set(id, prompt.slice());
    this.namespaces.set(id, extraKeysId(extraKeys));
    this.write(id, hit.numComputedTokens, n);
    return id;
  }

  /** Looks up a prompt and checks that every hit block holds exactly the prompt's tokens. */
  lookup(prompt: number[], extraKeys?: ExtraKeys): { blockIds: number[]; numComputedTokens: number } {
    const hit = this.kv.getComputedBlocks(prompt, { extraKeys });
    const ns = extraKeysId(extraKeys);
    expect(hit.numComputedTokens < Math.max(1, prompt.length), "a hit leaves a token to compute");
    hit.blockIds.forEach((b, i) => {
      const mem = this.device[b] as Int32Array;
      expect(this.deviceNs[b] === ns, `hit block ${b} was written in the lookup's namespace`);
      for (let k = 0; k < this.blockSize; k++) {
        expect(mem[k] === prompt[i * this.blockSize + k], `hit block ${b} holds the prompt's tokens`);
      }
    });
    return hit;
  }

  /** One scheduler step for `id`: the next prefill chunk, or one decode token. Returns false when it does not fit. */
  step(id: string, chunk: number, nextToken: number): boolean {
    const tokens = this.tokens.get(id) as number[];
    const held = this.kv.getNumTokens(id);
    const decoding = held === tokens.length;
    if (decoding) tokens.push(nextToken);
    const n = decoding ? 1 : Math.min(chunk, tokens.length - held);
    const canAllocate = this.kv.canAllocate(id, n);
    const before = canAllocate ? "" : this.snapshot();
    const added = this.kv.allocateSlots(id, n, { tokenIds: tokens });
    expect((added !== null) === canAllocate, "canAllocate agrees with allocateSlots");
    if (added === null) {
      if (decoding) tokens.pop();
      expect(this.snapshot() === before, "a failed allocation changes nothing");
      return false;
    }
    this.applyCopies(this.kv.takeCopyPairs());
    this.write(id, held, n);
    return true;
  }

  /** Forks `id`; returns the child's id. */
  fork(id: string): string {
    const child = `r${this.nextId++}`;
    this.kv.fork(id, child);
    this.tokens.set(child, (this.tokens.get(id) as number[]).slice());
    this.namespaces.set(child, this.namespaces.get(id) as string);
    return child;
  }

  /** Frees `id`. */
  free(id: string): void {
    expect(this.kv.free(id), "free finds the request");
    this.tokens.delete(id);
    this.namespaces.delete(id);
  }

  /** Swaps a group out; returns false when the host pool is too small. */
  swapOut(ids: string[]): boolean {
    const can = this.kv.canSwapOut(ids);
    const before = can ? "" : this.snapshot();
    const pairs = this.kv.swapOut(ids);
    expect((pairs !== null) === can, "canSwapOut agrees with swapOut");
    if (pairs === null) {
      expect(this.snapshot() === before, "a failed swap-out changes nothing");
      return false;
    }
    for (const [d, h] of pairs) {
      (this.host[h] as Int32Array).set(this.device[d] as Int32Array);
      this.hostNs[h] = this.deviceNs[d] as string;
    }
    return true;
  }

  /** Swaps a group in; returns false when too few device blocks are free. */
  swapIn(ids: string[]): boolean {
    const can = this.kv.canSwapIn(ids);
    const before = can ? "" : this.snapshot();
    const pairs = this.kv.swapIn(ids);
    expect((pairs !== null) === can, "canSwapIn agrees with swapIn");
    if (pairs === null) {
      expect(this.snapshot() === before, "a failed swap-in changes nothing");
      return false;
    }
    for (const [h, d] of pairs) {
      (this.device[d] as Int32Array).set(this.host[h] as Int32Array);
      this.deviceNs[d] = this.hostNs[h] as string;
    }
    return true;
  }

  /** Frees every request, then checks that every block is free again. */
  freeAll(): void {
    for (const id of this.ids()) this.free(id);
    const s = this.kv.stats();
    expect(
      s.numFreeBlocks === s.numTotalBlocks && s.numUsedBlocks === 0,
      "all device blocks free at the end",
    );
    expect(s.numUsedHostBlocks === 0, "all host blocks free at the end");
    this.check();
  }

  /** Checks every invariant; throws {@link InvariantViolation} naming the first that fails. */
  check(): void {
    const { kv, blockSize } = this;
    const devRefs = new Map<number, number>();
    const hostRefs = new Map<number, number>();
    for (const [id, tokens] of this.tokens) {
      const swapped = kv.isSwapped(id);
      const table = swapped ? kv.getHostBlockIds(id) : kv.getBlockIds(id);
      const numTokens = kv.getNumTokens(id);
      expect(
        (swapped ? kv.getBlockIds(id) : kv.getHostBlockIds(id)).length === 0,
        "a request is in one place",
      );
      expect(
        table.length === Math.ceil(numTokens / blockSize),
        "a table holds ceil(tokens / blockSize) blocks",
      );
      expect(
        new Set(table).size === table.length && !table.includes(0),
        "a table has no repeat and no null block",
      );
      const refs = swapped ? hostRefs : devRefs;
      for (const b of table) refs.set(b, (refs.get(b) ?? 0) + 1);
      const mem = swapped ? this.host : this.device;
      for (let p = 0; p < numTokens; p++) {
        const slot = (mem[table[Math.floor(p / blockSize)] as number] as Int32Array)[p % blockSize];
        expect(slot === tokens[p], `request ${id} reads its own token at position ${p}`);
      }
    }
    this.checkPool(kv.devicePool, devRefs, "device");
    this.checkPool(kv.hostPool, hostRefs, "host");
    const s = kv.stats();
    expect(s.numUsedBlocks + s.numFreeBlocks === s.numTotalBlocks, "used + free = total");
    expect(s.usage === (s.numTotalBlocks === 0 ? 0 : s.numUsedBlocks / s.numTotalBlocks), "usage ratio");
    for (let b = 1; b < kv.devicePool.numBlocks; b++) {
      if (!kv.devicePool.isCached(b)) continue;
      const cached = kv.devicePool.cachedTokens(b);
      const mem = this.device[b] as Int32Array;
      expect(
        cached.every((t, k) => t === mem[k]),
        `cached block ${b} holds the tokens it is indexed by`,
      );
    }
  }

  private checkPool(pool: KVCacheManager["devicePool"], refs: Map<number, number>, name: string): void {
    const free = [...pool.freeBlockIds()];
    expect(
      new Set(free).size === free.length && !free.includes(0),
      `${name}: free queue has no repeat or null`,
    );
    expect(free.length === pool.numFreeBlocks, `${name}: free queue length = numFreeBlocks`);
    let evictable = 0;
    for (const b of free) if (pool.isCached(b)) evictable++;
    expect(evictable === pool.numEvictableBlocks, `${name}: evictable = cached free blocks`);
    expect(pool.refCount(0) === 0 && !pool.isFree(0), `${name}: the null block is never handed out`);
    for (let b = 1; b < pool.numBlocks; b++) {
      const rc = pool.refCount(b);
      expect(rc === (refs.get(b) ?? 0), `${name}: block ${b} ref count ${rc} = tables holding it`);
      expect(pool.isFree(b) === (rc === 0), `${name}: block ${b} is free exactly when unheld`);
    }
  }

  private applyCopies(pairs: BlockPair[]): void {
    for (const [src, dst] of pairs) {
      (this.device[dst] as Int32Array).set(this.device[src] as Int32Array);
      this.deviceNs[dst] = this.deviceNs[src] as string;
    }
  }

  /** The executor's K/V write: tokens `[from, from + n)` of `id` into their slots. */
  private write(id: string, from: number, n: number): void {
    const table = this.kv.getBlockIds(id);
    const tokens = this.tokens.get(id) as number[];
    const ns = this.namespaces.get(id) as string;
    for (let p = from; p < from + n; p++) {
      this.deviceNs[table[Math.floor(p / this.blockSize)] as number] = ns;
      (this.device[table[Math.floor(p / this.blockSize)] as number] as Int32Array)[p % this.blockSize] =
        tokens[p] as number;
    }
  }

  private snapshot(): string {
    const tables = this.ids().map((id) => [
      id,
      this.kv.getNumTokens(id),
      this.kv.getBlockIds(id),
      this.kv.getHostBlockIds(id),
    ]);
    return JSON.stringify([this.kv.stats(), tables, [...this.kv.devicePool.freeBlockIds()]]);
  }
}
