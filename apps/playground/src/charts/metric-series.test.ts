import { describe, expect, it } from "vitest";
import { SNAPSHOTS, snapshotAt } from "../testing/snapshot-fixtures.js";
import { MetricSeriesWindow } from "./metric-series.js";

describe("MetricSeriesWindow", () => {
  it("accumulates one point per snapshot, nulls where no percentile exists yet", () => {
    const w = new MetricSeriesWindow();
    for (const s of SNAPSHOTS) w.push(s);
    const s = w.current();
    expect(s.time).toEqual([1.0, 2.1, 2.2, 2.3, 4.3, 6.3]);
    expect(s.ttftP50).toEqual([null, null, 12, 12, 13, 13]);
    expect(s.tpotP99).toEqual([null, null, 4, 6, 6, 6]);
    expect(s.throughput).toEqual([0, 0, 80, 95, 40, 0]);
  });

  it("drops points older than the window and replaces a point at the same time", () => {
    const w = new MetricSeriesWindow(2);
    for (const s of SNAPSHOTS) w.push(s);
    expect(w.current().time).toEqual([4.3, 6.3]);
    w.push({ ...snapshotAt(5), metrics: { ...snapshotAt(5).metrics, outputTokensPerSecond: 7 } });
    expect(w.current().time).toEqual([4.3, 6.3]);
    expect(w.current().throughput).toEqual([40, 7]);
  });

  it("starts over when the server's clock goes back (a restart)", () => {
    const w = new MetricSeriesWindow();
    w.push(snapshotAt(4));
    w.push(snapshotAt(1));
    expect(w.current().time).toEqual([2.1]);
  });
});
