import { describe, expect, it } from "vitest";
import { deltaGaps, timingSummary } from "./token-timing.js";

describe("timingSummary", () => {
  it("measures TTFT, gaps and rate over non-empty deltas", () => {
    const t = timingSummary([
      { text: "", atMs: 5 },
      { text: "Once", atMs: 40 },
      { text: " upon", atMs: 50 },
      { text: " a", atMs: 70 },
    ]);
    expect(t).toEqual({ ttftMs: 40, meanGapMs: 15, maxGapMs: 20, deltasPerSecond: 1000 / 15, numDeltas: 3 });
  });

  it("has no figures before the first text and no rate from one delta", () => {
    expect(timingSummary([]).ttftMs).toBeNull();
    expect(timingSummary([{ text: "x", atMs: 9 }])).toMatchObject({
      ttftMs: 9,
      meanGapMs: null,
      deltasPerSecond: null,
    });
  });

  it("gives each delta's gap after the previous one", () => {
    expect(
      deltaGaps([
        { text: "a", atMs: 30 },
        { text: "b", atMs: 34 },
        { text: "c", atMs: 41 },
      ]),
    ).toEqual([30, 4, 7]);
  });
});
