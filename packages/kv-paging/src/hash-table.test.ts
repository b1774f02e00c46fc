import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BlockHashTable } from "./hash-table.js";

describe("BlockHashTable", () => {
  it("gets, sets, replaces and deletes", () => {
    const t = new BlockHashTable(4);
    expect(t.get(5)).toBe(-1);
    t.set(5, 1);
    t.set(2 ** 52 + 5, 2);
    t.set(5, 3);
    expect([t.get(5), t.get(2 ** 52 + 5), t.size]).toEqual([3, 2, 2]);
    expect(t.delete(5)).toBe(true);
    expect(t.delete(5)).toBe(false);
    expect([t.get(5), t.get(2 ** 52 + 5), t.size]).toEqual([-1, 2, 1]);
  });

  it("keeps entries reachable when a deletion shifts a probe run that wraps around the end", () => {
    const t = new BlockHashTable(32); // 64 slots; a small key's home slot is the key itself
    t.set(62, 1);
    t.set(126, 2); // home 62, stored in 63
    t.set(0, 3); // home 0: must stay in slot 0
    t.set(190, 4); // home 62, wraps into slot 1
    t.delete(62);
    expect([t.get(62), t.get(126), t.get(0), t.get(190)]).toEqual([-1, 2, 3, 4]);
    t.delete(126);
    expect([t.get(0), t.get(190), t.size]).toEqual([3, 4, 2]);
  });

  it("refuses more entries than it was sized for", () => {
    const t = new BlockHashTable(2);
    t.set(1, 1);
    t.set(2, 2);
    expect(() => t.set(3, 3)).toThrow(RangeError);
    t.set(2, 5);
    expect(t.get(2)).toBe(5);
  });

  it("behaves like a Map under random operations, with heavy probe collisions", () => {
    // Keys from a small range (and multiples of the capacity) make long probe runs that wrap around.
    const key = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 5 }).map((k) => k * 64),
    );
    const ops = fc.array(fc.tuple(fc.boolean(), key, fc.nat(100)), { maxLength: 80 });
    fc.assert(
      fc.property(ops, (list) => {
        const t = new BlockHashTable(32);
        const model = new Map<number, number>();
        for (const [isSet, k, v] of list) {
          if (isSet && (model.size < 32 || model.has(k))) {
            t.set(k, v);
            model.set(k, v);
          } else if (!isSet && t.delete(k) !== model.delete(k)) {
            return false;
          }
          if (t.size !== model.size) return false;
        }
        for (let k = 0; k < 256; k++) if (t.get(k) !== (model.get(k) ?? -1)) return false;
        return true;
      }),
      { numRuns: 2_000 },
    );
  });
});
