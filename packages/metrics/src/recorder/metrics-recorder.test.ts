import { codeOf } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { DEVICE_PROFILES } from "../bottleneck/device-profiles.js";
import { LLAMA_2_7B } from "../bottleneck/model-presets.js";
import type { StepRecord } from "../events.js";
import { nearestRank } from "../sketch/quantile-sketch.js";
import type { DistributionSummary } from "../sketch/summary.js";
import { syntheticWorkload, workloadEvents } from "../testing/workload.js";
import type { FinishedRequest } from "./finished-request.js";
import { MetricsRecorder } from "./metrics-recorder.js";

const ALPHA = 0.01;

function expectSummaryMatches(summary: DistributionSummary, exact: readonly number[]): void {
  const sorted = [...exact].sort((a, b) => a - b);
  expect(summary.count).toBe(sorted.length);
  expect(summary.sum).toBeCloseTo(
    sorted.reduce((a, b) => a + b, 0),
    9,
  );
  expect(summary.min).toBe(sorted[0]);
  expect(summary.max).toBe(sorted[sorted.length - 1]);
  for (const [q, got] of [
    [0.5, summary.p50],
    [0.9, summary.p90],
    [0.95, summary.p95],
    [0.99, summary.p99],
  ] as const) {
    const want = sorted[nearestRank(q, sorted.length) - 1] ?? Number.NaN;
    expect(Math.abs((got ?? Number.NaN) - want)).toBeLessThanOrEqual(want * (ALPHA + 1e-12));
  }
}

describe("MetricsRecorder: per-request metrics", () => {
  const workload = syntheticWorkload(2000, 7, 25);
  const rec = new MetricsRecorder({ relativeError: ALPHA });
  const finished: FinishedRequest[] = [];
  rec.addSink({ requestFinished: (r) => finished.push(r) });
  for (const e of workloadEvents(workload)) rec.record(e);
  const snap = rec.snapshot();
  const served = workload.filter((r) => r.tokenTimes.length > 0);

  it("counts every finished request once in every histogram it belongs to", () => {
    expect(snap.requests.arrived).toBe(2000);
    expect(snap.requests.finished).toBe(2000);
    expect(snap.requests.inFlight).toBe(0);
    expect(snap.latency.e2e.count).toBe(2000); // aborted-in-queue requests too
    for (const h of ["ttft", "queue", "prefill", "decode", "inference"] as const) {
      expect(snap.latency[h].count).toBe(served.length);
    }
    expect(served.length).toBe(2000 - 80);
    expect(snap.latency.tpot.count).toBe(served.filter((r) => r.tokenTimes.length >= 2).length);
    expect(snap.latency.itl.count).toBe(served.reduce((n, r) => n + r.tokenTimes.length - 1, 0));
    const byReason = { stop: 0, length: 0, abort: 0, error: 0 };
    for (const r of workload) byReason[r.reason]++;
    expect(snap.requests.finishedByReason).toEqual(byReason);
    expect(finished).toHaveLength(2000);
  });

  it("agrees with exact percentiles of every latency within the documented bound", () => {
    const first = (r: (typeof served)[number]) => r.tokenTimes[0] ?? Number.NaN;
    const last = (r: (typeof served)[number]) => r.tokenTimes[r.tokenTimes.length - 1] ?? Number.NaN;
    expectSummaryMatches(
      snap.latency.e2e,
      workload.map((r) => r.finish - r.arrival),
    );
    expectSummaryMatches(
      snap.latency.ttft,
      served.map((r) => first(r) - r.arrival),
    );
    expectSummaryMatches(
      snap.latency.queue,
      served.map((r) => r.scheduled - r.arrival),
    );
    expectSummaryMatches(
      snap.latency.prefill,
      served.map((r) => first(r) - r.scheduled),
    );
    expectSummaryMatches(
      snap.latency.decode,
      served.map((r) => last(r) - first(r)),
    );
    expectSummaryMatches(
      snap.latency.tpot,
      served
        .filter((r) => r.tokenTimes.length >= 2)
        .map((r) => (last(r) - first(r)) / (r.tokenTimes.length - 1)),
    );
    expectSummaryMatches(
      snap.latency.itl,
      served.flatMap((r) => r.tokenTimes.slice(1).map((t, k) => t - (r.tokenTimes[k] ?? Number.NaN))),
    );
  });

  it("counts tokens and throughput over the event span", () => {
    const gen = served.reduce((n, r) => n + r.tokenTimes.length, 0);
    const prompt = served.reduce((n, r) => n + r.numPromptTokens, 0);
    expect(snap.requests.generationTokens).toBe(gen);
    expect(snap.requests.promptTokens).toBe(prompt);
    const start = Math.min(...workload.map((r) => r.arrival));
    const end = Math.max(...workload.map((r) => r.finish));
    expect(snap.throughput.startTime).toBe(start);
    expect(snap.throughput.endTime).toBe(end);
    expect(snap.throughput.generationTokensPerSecond).toBeCloseTo(gen / (end - start), 9);
  });

  it("leaves the phases a request never reached null in its record", () => {
    const aborted = finished.find((r) => r.requestId === "r24");
    expect(aborted).toMatchObject({
      reason: "abort",
      numGenerationTokens: 0,
      queueSeconds: null,
      ttftSeconds: null,
    });
    expect(aborted?.tpotSeconds).toBeNull();
  });

  it("produces a snapshot that survives a JSON round trip unchanged", () => {
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});

describe("MetricsRecorder: events", () => {
  it("derives each timing of one request by hand", () => {
    const rec = new MetricsRecorder();
    const got: FinishedRequest[] = [];
    rec.addSink({ requestFinished: (r) => got.push(r) });
    rec.record({ kind: "arrived", requestId: "a", time: 10, numPromptTokens: 5 });
    rec.record({ kind: "scheduled", requestId: "a", time: 10.5 });
    rec.record({ kind: "token", requestId: "a", time: 11 });
    rec.record({ kind: "preempted", requestId: "a", time: 11.2 });
    rec.record({ kind: "scheduled", requestId: "a", time: 12 }); // a resume does not move queue time
    rec.record({ kind: "token", requestId: "a", time: 12.5, numTokens: 3 });
    rec.record({ kind: "finished", requestId: "a", time: 13, reason: "stop" });
    expect(got[0]).toEqual({
      requestId: "a",
      reason: "stop",
      numPromptTokens: 5,
      n: 1,
      numGenerationTokens: 4,
      numPreemptions: 1,
      arrivalTime: 10,
      finishTime: 13,
      e2eSeconds: 3,
      queueSeconds: 0.5,
      ttftSeconds: 1,
      prefillSeconds: 0.5,
      decodeSeconds: 1.5,
      inferenceSeconds: 2,
      tpotSeconds: 0.5,
    });
    expect(rec.snapshot().latency.itl).toMatchObject({ count: 1, min: 1.5, max: 1.5 });
  });

  it("rejects events that contradict the request's history", () => {
    const rec = new MetricsRecorder();
    rec.record({ kind: "arrived", requestId: "a", time: 1, numPromptTokens: 3 });
    expect(codeOf(() => rec.record({ kind: "arrived", requestId: "a", time: 2, numPromptTokens: 3 }))).toBe(
      "metrics.duplicate_request",
    );
    expect(codeOf(() => rec.record({ kind: "token", requestId: "a", time: 2 }))).toBe(
      "metrics.token_before_scheduled",
    );
    expect(codeOf(() => rec.record({ kind: "scheduled", requestId: "a", time: 0.5 }))).toBe(
      "metrics.time_backwards",
    );
    expect(codeOf(() => rec.record({ kind: "scheduled", requestId: "b", time: 2 }))).toBe(
      "metrics.unknown_request",
    );
    expect(codeOf(() => rec.record({ kind: "scheduled", requestId: "a", time: Number.NaN }))).toBe(
      "metrics.bad_value",
    );
    rec.record({ kind: "scheduled", requestId: "a", time: 2 });
    expect(codeOf(() => rec.record({ kind: "token", requestId: "a", time: 3, numTokens: 0 }))).toBe(
      "metrics.bad_value",
    );
    const bad = { kind: "finished", requestId: "a", time: 3, reason: "timeout" } as unknown as Parameters<
      typeof rec.record
    >[0];
    expect(codeOf(() => rec.record(bad))).toBe("metrics.bad_value");
    rec.record({ kind: "finished", requestId: "a", time: 3, reason: "abort" });
    expect(codeOf(() => rec.record({ kind: "token", requestId: "a", time: 4 }))).toBe(
      "metrics.unknown_request",
    );
  });

  it("stops feeding a sink once it is removed", () => {
    const rec = new MetricsRecorder();
    let tokens = 0;
    const remove = rec.addSink({ firstToken: () => tokens++, nextToken: () => tokens++ });
    rec.record({ kind: "arrived", requestId: "a", time: 0, numPromptTokens: 1 });
    rec.record({ kind: "scheduled", requestId: "a", time: 0 });
    rec.record({ kind: "token", requestId: "a", time: 1 });
    remove();
    rec.record({ kind: "token", requestId: "a", time: 2 });
    expect(tokens).toBe(1);
  });
});

const STEP: StepRecord = {
  numPrefillTokens: 0,
  numDecodeTokens: 0,
  numSeqs: 0,
  prefillSeconds: 0,
  decodeSeconds: 0,
  kvCacheUsage: 0,
  numRunning: 0,
  numWaiting: 0,
  numSwapped: 0,
  prefixCacheQueries: 0,
  prefixCacheHits: 0,
  numPreemptions: 0,
};

describe("MetricsRecorder: steps", () => {
  it("keeps gauges from the latest step and sums the counters", () => {
    const rec = new MetricsRecorder();
    rec.recordStep({
      ...STEP,
      numPrefillTokens: 512,
      numSeqs: 1,
      prefillSeconds: 0.2,
      kvCacheUsage: 0.1,
      numRunning: 1,
      numWaiting: 3,
      prefixCacheQueries: 512,
      prefixCacheHits: 128,
    });
    rec.recordStep({
      ...STEP,
      numPrefillTokens: 100,
      numDecodeTokens: 1,
      numSeqs: 2,
      prefillSeconds: 0.05,
      decodeSeconds: 0.01,
      kvCacheUsage: 0.25,
      numRunning: 2,
      numWaiting: 1,
      numSwapped: 1,
      prefixCacheQueries: 100,
      numPreemptions: 2,
    });
    const snap = rec.snapshot();
    expect(snap.scheduler).toEqual({
      numRunning: 2,
      numWaiting: 1,
      numSwapped: 1,
      kvCacheUsage: 0.25,
      numPreemptions: 2,
      prefixCacheQueries: 612,
      prefixCacheHits: 128,
      prefixCacheHitRate: 128 / 612,
    });
    expect(snap.steps).toMatchObject({
      count: 2,
      numPrefillTokens: 612,
      numDecodeTokens: 1,
      prefillSeconds: 0.25,
      decodeSeconds: 0.01,
    });
    expect(snap.steps.tokensPerStep).toMatchObject({ count: 2, min: 101, max: 512 });
    expect(snap.steps.stepSeconds.max).toBeCloseTo(0.2, 12);
    expect(snap.bottleneck).toBeNull();
  });

  it("classifies steps with a batch shape when given a model and device", () => {
    const rec = new MetricsRecorder({
      bottleneck: { model: LLAMA_2_7B, device: DEVICE_PROFILES["A100-80GB"] },
    });
    const decode = rec.recordStep({ ...STEP, batch: { numNewTokens: [1], numContextTokens: [1000] } });
    const prefill = rec.recordStep({ ...STEP, batch: { numNewTokens: [512], numContextTokens: [0] } });
    rec.recordStep(STEP); // no shape: no report
    expect(decode?.bound).toBe("memory");
    expect(prefill?.bound).toBe("compute");
    const b = rec.snapshot().bottleneck;
    expect(b).toMatchObject({ device: "A100-80GB", numComputeBound: 1, numMemoryBound: 1, last: prefill });
    expect(b?.arithmeticIntensity.count).toBe(2);
  });

  it("turns the bottleneck report on for a recorder built before the model was known", () => {
    const rec = new MetricsRecorder();
    const decode = { ...STEP, batch: { numNewTokens: [1], numContextTokens: [1000] } };
    expect(rec.recordStep(decode)).toBeNull();
    expect(rec.snapshot().bottleneck).toBeNull();
    expect(
      codeOf(() =>
        rec.setBottleneck({ model: { ...LLAMA_2_7B, numKvHeads: 5 }, device: DEVICE_PROFILES.L4 }),
      ),
    ).toBe("metrics.bad_model_shape");
    rec.setBottleneck({ model: LLAMA_2_7B, device: DEVICE_PROFILES.L4 });
    expect(rec.recordStep(decode)?.bound).toBe("memory");
    expect(rec.snapshot().bottleneck).toMatchObject({ device: "L4", numMemoryBound: 1, numComputeBound: 0 });
  });

  it("rejects impossible step records", () => {
    const rec = new MetricsRecorder();
    expect(codeOf(() => rec.recordStep({ ...STEP, kvCacheUsage: 1.5 }))).toBe("metrics.bad_value");
    expect(codeOf(() => rec.recordStep({ ...STEP, numSeqs: -1 }))).toBe("metrics.bad_value");
    expect(codeOf(() => rec.recordStep({ ...STEP, decodeSeconds: Number.NaN }))).toBe("metrics.bad_value");
    expect(codeOf(() => rec.recordStep({ ...STEP, prefixCacheHits: 2, prefixCacheQueries: 1 }))).toBe(
      "metrics.bad_value",
    );
    expect(
      codeOf(
        () =>
          new MetricsRecorder({
            bottleneck: { model: { ...LLAMA_2_7B, numHeads: 0 }, device: DEVICE_PROFILES.L4 },
          }),
      ),
    ).toBe("metrics.bad_model_shape");
  });
});
