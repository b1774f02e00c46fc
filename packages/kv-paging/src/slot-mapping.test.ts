import { describe, expect, it } from "vitest";
import { computeSlotMapping, packBlockTables, slotFor } from "./slot-mapping.js";
import { withCode } from "./testing/errors.js";

describe("slot mapping", () => {
  it("maps a position to blockId * blockSize + offset", () => {
    expect(slotFor([7, 3], 4, 0)).toBe(28);
    expect(slotFor([7, 3], 4, 3)).toBe(31);
    expect(slotFor([7, 3], 4, 4)).toBe(12);
    expect(slotFor([5], 1, 0)).toBe(5);
    expect(() => slotFor([7, 3], 4, 8)).toThrow(withCode("kv.invalid_argument"));
    expect(() => slotFor([7, 3], 4, -1)).toThrow(withCode("kv.invalid_argument"));
  });

  it("fills a range of positions, into a caller's array at an offset when given one", () => {
    expect([...computeSlotMapping([7, 3], 4, 2, 6)]).toEqual([30, 31, 12, 13]);
    const out = new Int32Array(5).fill(-1);
    computeSlotMapping([7, 3], 4, 5, 7, out, 2);
    expect([...out]).toEqual([-1, -1, 13, 14, -1]);
    expect(() => computeSlotMapping([7, 3], 4, 6, 9)).toThrow(withCode("kv.invalid_argument"));
    expect(() => computeSlotMapping([7, 3], 4, 0, 2, new Int32Array(1))).toThrow(
      withCode("kv.invalid_argument"),
    );
  });

  it("agrees with slotFor at every position", () => {
    const table = [9, 2, 14, 5];
    const all = computeSlotMapping(table, 3, 0, 12);
    all.forEach((slot, p) => {
      expect(slot).toBe(slotFor(table, 3, p));
    });
  });

  it("packs block tables row-major, padded with the null block", () => {
    expect([...packBlockTables([[4, 5, 6], [7], []])]).toEqual([4, 5, 6, 7, 0, 0, 0, 0, 0]);
    expect([...packBlockTables([[1], [2]], 2)]).toEqual([1, 0, 2, 0]);
    expect(() => packBlockTables([[1, 2, 3]], 2)).toThrow(withCode("kv.invalid_argument"));
  });
});
