import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import type { StepRecord } from "../events.js";
import { PrometheusExporter } from "../prometheus/prometheus-exporter.js";
import { parseExposition } from "../testing/prom-text.js";
import { MetricsRecorder } from "./metrics-recorder.js";

const BUSY: StepRecord = {
  numPrefillTokens: 0,
  numDecodeTokens: 7,
  numSeqs: 7,
  prefillSeconds: 0,
  decodeSeconds: 0.01,
  kvCacheUsage: 0.0043,
  numRunning: 7,
  numWaiting: 2,
  numSwapped: 1,
  prefixCacheQueries: 0,
  prefixCacheHits: 0,
  numPreemptions: 0,
};
const IDLE = { kvCacheUsage: 0, numRunning: 0, numWaiting: 0, numSwapped: 0 };

const GAUGES = [
  "num_requests_running",
  "num_requests_waiting",
  "num_requests_swapped",
  "kv_cache_usage_perc",
];

/** The value of the gauge named `<prefix>:<name>`, whatever the exporter's prefix. */
async function gauge(exporter: PrometheusExporter, name: string): Promise<number | undefined> {
  const families = [...parseExposition(await exporter.metrics()).values()];
  return families.find((f) => f.name.endsWith(`:${name}`))?.samples[0]?.value;
}

describe("MetricsRecorder.recordState", () => {
  it("replaces the latest step's gauges in the snapshot and in /metrics, counting no step", async () => {
    const rec = new MetricsRecorder();
    const exporter = new PrometheusExporter({ modelName: "m" });
    rec.addSink(exporter);
    rec.recordStep(BUSY);
    expect(await gauge(exporter, "num_requests_running")).toBe(7);
    rec.recordState(IDLE);
    const snap = rec.snapshot();
    expect(snap.scheduler).toMatchObject(IDLE);
    expect(snap.steps.count).toBe(1);
    expect(snap.steps.numDecodeTokens).toBe(7);
    for (const name of GAUGES) expect(await gauge(exporter, name)).toBe(0);
  });

  it("rejects gauges no scheduler could report, naming the field", () => {
    const rec = new MetricsRecorder();
    const errorOf = (state: typeof IDLE) => {
      try {
        rec.recordState(state);
      } catch (err) {
        return isPagodaError(err) ? `${err.code} ${err.message}` : String(err);
      }
      return "no error";
    };
    expect(errorOf({ ...IDLE, kvCacheUsage: 1.5 })).toMatch(/^metrics\.bad_value .*state\.kvCacheUsage/);
    expect(errorOf({ ...IDLE, numRunning: -1 })).toMatch(/^metrics\.bad_value .*state\.numRunning/);
    expect(errorOf({ ...IDLE, numWaiting: 0.5 })).toMatch(/^metrics\.bad_value .*state\.numWaiting/);
  });
});
