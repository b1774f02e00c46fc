import type { EngineSnapshotEvent } from "../api/snapshot.js";

/** The latency and throughput series of the charts, one entry per snapshot time (seconds). */
export interface MetricSeries {
  time: number[];
  ttftP50: (number | null)[];
  ttftP99: (number | null)[];
  tpotP50: (number | null)[];
  tpotP99: (number | null)[];
  throughput: number[];
}

/**
 * Accumulates the metrics of snapshots into chart series over a sliding time window. A
 * snapshot at an earlier time than the last one means the server restarted: the series start over.
 */
export class MetricSeriesWindow {
  private series: MetricSeries = emptySeries();

  /** @param windowSeconds how far back from the newest point the series reach */
  constructor(private readonly windowSeconds = 120) {}

  /** Adds a snapshot's metrics; one at the same time as the last replaces it. */
  push(snapshot: EngineSnapshotEvent): void {
    const s = this.series;
    const last = s.time.at(-1);
    if (last !== undefined && snapshot.time < last) this.series = emptySeries();
    else if (last !== undefined && snapshot.time === last) this.dropFirst(s.time.length - 1);
    const m = snapshot.metrics;
    const t = this.series;
    t.time.push(snapshot.time);
    t.ttftP50.push(m.ttftP50Ms);
    t.ttftP99.push(m.ttftP99Ms);
    t.tpotP50.push(m.tpotP50Ms);
    t.tpotP99.push(m.tpotP99Ms);
    t.throughput.push(m.outputTokensPerSecond);
    let old = 0;
    while (old < t.time.length && (t.time[old] ?? 0) < snapshot.time - this.windowSeconds) old++;
    if (old > 0) this.dropFirst(0, old);
  }

  /** The current series (the arrays are the window's own; copy before keeping them). */
  current(): MetricSeries {
    return this.series;
  }

  private dropFirst(start: number, count = 1): void {
    for (const arr of Object.values(this.series) as unknown[][]) arr.splice(start, count);
  }
}

function emptySeries(): MetricSeries {
  return { time: [], ttftP50: [], ttftP99: [], tpotP50: [], tpotP99: [], throughput: [] };
}
