import type { EngineInspection } from "@pagoda/engine";
import { DEVICE_PROFILES, LLAMA_2_7B, MetricsRecorder } from "@pagoda/metrics";
import { describe, expect, it } from "vitest";
import { engineSnapshot } from "./engine-snapshot.js";

const VIEW = {
  kv: { numBlocks: 1, blockSize: 16, states: ["used"], refCounts: [0], tables: {} },
  running: [],
  waiting: [],
  swapped: [],
  lastStep: null,
} as unknown as EngineInspection;

const STEP = {
  numPrefillTokens: 0,
  numDecodeTokens: 1,
  numSeqs: 1,
  prefillSeconds: 0,
  decodeSeconds: 0.01,
  kvCacheUsage: 0,
  numRunning: 1,
  numWaiting: 0,
  numSwapped: 0,
  prefixCacheQueries: 0,
  prefixCacheHits: 0,
  numPreemptions: 0,
  batch: { numNewTokens: [1], numContextTokens: [1000] },
};

describe("the live snapshot's roofline (the playground's metrics panel)", () => {
  it("is null without a model shape and device, and the latest step's verdict with them", () => {
    const rec = new MetricsRecorder();
    rec.recordStep(STEP);
    expect(engineSnapshot(0, VIEW, rec.snapshot(), 0).metrics.roofline).toBeNull();
    rec.setBottleneck({ model: LLAMA_2_7B, device: DEVICE_PROFILES["A100-80GB"] });
    rec.recordStep(STEP);
    const r = engineSnapshot(0, VIEW, rec.snapshot(), 0).metrics.roofline;
    expect(r).toMatchObject({ device: "A100-80GB", bound: "memory" });
    expect(r?.arithmeticIntensity).toBeCloseTo(1, 3);
    expect(r?.ridgePoint).toBeCloseTo(153.02, 2);
  });
});

describe("the live snapshot's KV cache", () => {
  it("carries the cache's dtype and bytes when the served model names them, else null", () => {
    const rec = new MetricsRecorder();
    expect(engineSnapshot(0, VIEW, rec.snapshot(), 0).kv).toMatchObject({ dtype: null, bytes: null });
    const kv = engineSnapshot(0, VIEW, rec.snapshot(), 0, { dtype: "int8", bytes: 4096 }).kv;
    expect(kv).toMatchObject({ numBlocks: 1, blockSize: 16, dtype: "int8", bytes: 4096 });
  });
});

describe("the live snapshot's speculative decoding (the playground's metrics panel)", () => {
  it("is null before any draft, then the acceptance rate and mean acceptance length", () => {
    const rec = new MetricsRecorder();
    rec.recordStep(STEP);
    expect(engineSnapshot(0, VIEW, rec.snapshot(), 0).metrics.specDecode).toBeNull();
    const specDecode = {
      numDrafts: 2,
      numDraftTokens: 8,
      numAcceptedTokens: 5,
      numAcceptedTokensPerPos: [2, 2, 1, 0],
    };
    rec.recordStep({ ...STEP, specDecode });
    expect(engineSnapshot(0, VIEW, rec.snapshot(), 0).metrics.specDecode).toEqual({
      acceptanceRate: 5 / 8,
      meanAcceptanceLength: 1 + 5 / 2,
      numDraftTokens: 8,
    });
  });
});
