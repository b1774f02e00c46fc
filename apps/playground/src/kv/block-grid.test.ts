import { describe, expect, it } from "vitest";
import { snapshotAt } from "../testing/snapshot-fixtures.js";
import { blockCells, blockCounts } from "./block-grid.js";

const colorOf = (id: string) => `colour(${id.split("#")[0]})`;

describe("blockCells", () => {
  it("draws block 0 as reserved and an idle cache as free", () => {
    const cells = blockCells(snapshotAt(0).kv, colorOf);
    expect(cells).toHaveLength(8);
    expect(cells[0]).toMatchObject({ id: 0, state: "used", reserved: true, holders: [], color: null });
    expect(cells.slice(1).every((c) => c.state === "free" && c.color === null)).toBe(true);
    expect(blockCounts(cells)).toEqual({ used: 0, cached: 0, free: 7, shared: 0 });
  });

  it("colours used blocks by their holder and marks a shared prefix block", () => {
    const cells = blockCells(snapshotAt(2).kv, colorOf);
    expect(cells[1]).toMatchObject({
      holders: ["cmpl-a", "cmpl-b"],
      shared: true,
      refCount: 2,
      color: "colour(cmpl-a)",
    });
    expect(cells[2]).toMatchObject({ holders: ["cmpl-a"], shared: false, color: "colour(cmpl-a)" });
    expect(cells[3]).toMatchObject({ holders: ["cmpl-b"], color: "colour(cmpl-b)" });
    expect(cells[1]?.title).toContain("shared, 2 tables");
    expect(blockCounts(cells)).toEqual({ used: 3, cached: 0, free: 4, shared: 1 });
  });

  it("keeps cached-free blocks apart from free ones and marks samples", () => {
    const cells = blockCells(snapshotAt(3).kv, colorOf);
    expect(cells[2]).toMatchObject({ state: "cached", holders: [], color: null });
    expect(cells[4]).toMatchObject({ holders: ["cmpl-c#0"], sample: true, color: "colour(cmpl-c)" });
    expect(blockCounts(blockCells(snapshotAt(4).kv, colorOf))).toEqual({
      used: 0,
      cached: 4,
      free: 3,
      shared: 0,
    });
  });

  it("never gives the null block a holder, even when a table pads with it", () => {
    const kv = { ...snapshotAt(1).kv, tables: { "cmpl-a": [1, 2, 0] } };
    expect(blockCells(kv, colorOf)[0]).toMatchObject({ reserved: true, holders: [] });
  });
});
