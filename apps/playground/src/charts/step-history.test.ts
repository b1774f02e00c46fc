import { describe, expect, it } from "vitest";
import { SNAPSHOTS, snapshotAt } from "../testing/snapshot-fixtures.js";
import { StepHistory } from "./step-history.js";

describe("StepHistory", () => {
  it("records each active step and not the idle heartbeats that repeat it", () => {
    const h = new StepHistory();
    for (const s of SNAPSHOTS) h.push(s);
    expect(h.recent().map((s) => [s.time, s.numPrefillTokens, s.numDecodeTokens])).toEqual([
      [2.1, 7, 0],
      [2.2, 2, 1],
      [2.3, 3, 1],
      [4.3, 0, 2],
    ]);
    expect(h.maxTokens()).toBe(7);
  });

  it("counts a repeated composition while requests run", () => {
    const h = new StepHistory();
    h.push(snapshotAt(2));
    h.push({ ...snapshotAt(2), time: 2.25 });
    expect(h.recent()).toHaveLength(2);
  });

  it("keeps only the most recent samples", () => {
    const h = new StepHistory(3);
    for (let i = 0; i < 10; i++) h.push({ ...snapshotAt(2), time: i });
    expect(h.recent().map((s) => s.time)).toEqual([7, 8, 9]);
  });
});
