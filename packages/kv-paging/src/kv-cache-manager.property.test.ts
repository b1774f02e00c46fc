import fc from "fast-check";
import { describe, it } from "vitest";
import type { BlockHasher } from "./block-hash.js";
import type { KVCacheManagerOptions } from "./kv-cache-manager.js";
import { KVHarness } from "./testing/kv-harness.js";

/** A few shared prompt stems over a 3-token alphabet, so prefixes repeat and hits are common. */
const STEMS = [
  [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2],
  [0, 1, 2, 0, 1, 2, 1, 1, 1, 1, 1, 1],
  [2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1],
];

const config = fc.record({
  numBlocks: fc.integer({ min: 1, max: 20 }),
  blockSize: fc.integer({ min: 1, max: 4 }),
  numHostBlocks: fc.integer({ min: 0, max: 12 }),
  enablePrefixCaching: fc.boolean(),
});

const op = fc.tuple(fc.nat(10), fc.nat(1000), fc.nat(1000), fc.nat(1000));

function promptOf(a: number, b: number, c: number): number[] {
  const stem = STEMS[a % STEMS.length] as number[];
  const keep = stem.length - (b % 9);
  const tail = Array.from({ length: c % 4 }, (_, i) => (c >> (2 * i + 2)) % 3);
  const prompt = [...stem.slice(0, keep), ...tail];
  return prompt.length > 0 ? prompt : [c % 3];
}

/** Runs one random sequence of scheduler-like operations, checking every invariant after each. */
function run(
  cfg: KVCacheManagerOptions,
  ops: readonly (readonly [number, number, number, number])[],
  hasher?: BlockHasher,
): void {
  const h = new KVHarness({ ...cfg, ...(hasher ? { blockHasher: hasher } : {}) });
  for (const [kind, a, b, c] of ops) {
    const ids = h.ids();
    const target = ids[a % Math.max(1, ids.length)];
    const onDevice = ids.filter((id) => !h.kv.isSwapped(id));
    const swapped = ids.filter((id) => h.kv.isSwapped(id));
    switch (kind) {
      case 0:
      case 1:
        h.admit(promptOf(a, b, c), (c % 12) + 1, a % 4 === 3 ? { cacheSalt: "tenant-b" } : undefined);
        break;
      case 2:
      case 3:
      case 4:
      case 5:
        if (target !== undefined && !h.kv.isSwapped(target)) h.step(target, (b % 8) + 1, c % 3);
        break;
      case 6:
        if (target !== undefined && !h.kv.isSwapped(target)) h.fork(target);
        break;
      case 7:
        if (target !== undefined) h.free(target);
        break;
      case 8:
        if (onDevice.length > 0) {
          const first = onDevice[a % onDevice.length] as string;
          h.swapOut(b % 2 === 0 ? [first] : onDevice.filter((id, i) => id === first || (c >> i) & 1));
        }
        break;
      case 9:
        if (swapped.length > 0) h.swapIn(b % 2 === 0 ? [swapped[a % swapped.length] as string] : swapped);
        break;
      default:
        h.lookup(promptOf(a, b, c), a % 4 === 3 ? { cacheSalt: "tenant-b" } : undefined);
    }
    h.check();
  }
  h.freeAll();
}

describe("KVCacheManager invariants over random operation sequences", () => {
  it("hold for 10,000 sequences of allocate / append / fork / free / swap / prefix hits / eviction", () => {
    fc.assert(
      fc.property(config, fc.array(op, { minLength: 8, maxLength: 30 }), (cfg, ops) => run(cfg, ops)),
      { numRuns: 10_000 },
    );
  }, 60_000);

  it("hold when every block hash collides: verification keeps wrong blocks out", () => {
    const degenerate: BlockHasher = (_parent, tokens, start) => (tokens[start] as number) % 2;
    fc.assert(
      fc.property(config, fc.array(op, { minLength: 8, maxLength: 30 }), (cfg, ops) =>
        run(cfg, ops, degenerate),
      ),
      { numRuns: 2_000 },
    );
  }, 60_000);
});
