import { MetricsRecorder, type StepRecord } from "@pagoda/metrics";
import { describe, expect, it } from "vitest";
import { ForwardingRecorder } from "./forwarding-recorder.js";
import { MetricsRelay } from "./metrics-relay.js";

const step: StepRecord = {
  numPrefillTokens: 12,
  numDecodeTokens: 0,
  numSeqs: 1,
  prefillSeconds: 0.01,
  decodeSeconds: 0,
  kvCacheUsage: 0.1,
  numRunning: 1,
  numWaiting: 0,
  numSwapped: 0,
  prefixCacheQueries: 12,
  prefixCacheHits: 0,
  numPreemptions: 0,
};

describe("metrics from the worker", () => {
  it("replays request events and step records in order, on this thread's clock", () => {
    const worker = new ForwardingRecorder();
    worker.record({ kind: "arrived", requestId: "a", time: 1, numPromptTokens: 12 });
    worker.record({ kind: "scheduled", requestId: "a", time: 1.5 });
    worker.recordStep(step);
    worker.record({ kind: "token", requestId: "a", time: 2 });
    worker.record({ kind: "finished", requestId: "a", time: 2, reason: "length" });
    worker.recordState({ kvCacheUsage: 0, numRunning: 0, numWaiting: 0, numSwapped: 0 });
    const calls = worker.take();
    expect(calls.map((c) => (c.kind === "event" ? c.event.kind : c.kind))).toEqual([
      "arrived",
      "scheduled",
      "step",
      "token",
      "finished",
      "state",
    ]);
    expect(worker.take()).toEqual([]);

    // A worker that started 250 ms after this thread: its t = 1 s is this thread's 1.25 s.
    const main = new MetricsRecorder();
    const relay = new MetricsRelay(main, performance.timeOrigin + 250);
    expect(relay.offset).toBeCloseTo(0.25, 9);
    relay.replay(structuredClone(calls));
    const snap = main.snapshot();
    expect(snap.throughput.startTime).toBeCloseTo(1.25, 9);
    expect(snap.throughput.endTime).toBeCloseTo(2.25, 9);
    expect(snap.latency.ttft.count).toBe(1);
    expect(snap.latency.ttft.p50).toBeCloseTo(1, 1);
    expect(snap.steps.count).toBe(1);
    // The state record came after the step: the gauges are its, and it counted no step.
    expect(snap.scheduler).toMatchObject({ numRunning: 0, kvCacheUsage: 0 });
  });
});
