import { codeOf } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import type { StepRecord } from "../events.js";
import { PrometheusExporter } from "../prometheus/prometheus-exporter.js";
import { parseExposition } from "../testing/prom-text.js";
import { MetricsRecorder } from "./metrics-recorder.js";

const STEP: StepRecord = {
  numPrefillTokens: 0,
  numDecodeTokens: 3,
  numSeqs: 2,
  prefillSeconds: 0,
  decodeSeconds: 0.01,
  kvCacheUsage: 0.1,
  numRunning: 2,
  numWaiting: 0,
  numSwapped: 0,
  prefixCacheQueries: 0,
  prefixCacheHits: 0,
  numPreemptions: 0,
};

// Two requests with 3 drafts: one accepts 2 (positions 0, 1), the other none; then one accepts all 3.
const SPEC_STEPS: StepRecord[] = [
  {
    ...STEP,
    specDecode: { numDrafts: 2, numDraftTokens: 6, numAcceptedTokens: 2, numAcceptedTokensPerPos: [1, 1, 0] },
  },
  {
    ...STEP,
    specDecode: { numDrafts: 1, numDraftTokens: 3, numAcceptedTokens: 3, numAcceptedTokensPerPos: [1, 1, 1] },
  },
  STEP, // a step without drafts
];

describe("speculative decoding metrics", () => {
  it("sums drafts and acceptance per position; rates and mean acceptance length in the snapshot", () => {
    const rec = new MetricsRecorder();
    expect(rec.snapshot().specDecode).toMatchObject({
      numDrafts: 0,
      acceptanceRate: null,
      meanAcceptanceLength: null,
    });
    for (const s of SPEC_STEPS) rec.recordStep(s);
    expect(rec.snapshot().specDecode).toEqual({
      numDrafts: 3,
      numDraftTokens: 9,
      numAcceptedTokens: 5,
      numAcceptedTokensPerPos: [2, 2, 1],
      acceptanceRate: 5 / 9,
      meanAcceptanceLength: 1 + 5 / 3,
      acceptanceRatePerPos: [2 / 3, 2 / 3, 1 / 3],
    });
  });

  it("refuses counts that contradict each other", () => {
    const rec = new MetricsRecorder();
    const spec = (s: Partial<NonNullable<StepRecord["specDecode"]>>) => ({
      ...STEP,
      specDecode: {
        numDrafts: 1,
        numDraftTokens: 2,
        numAcceptedTokens: 1,
        numAcceptedTokensPerPos: [1, 0],
        ...s,
      },
    });
    expect(codeOf(() => rec.recordStep(spec({})))).toBe("no error");
    expect(
      codeOf(() => rec.recordStep(spec({ numAcceptedTokens: 3, numAcceptedTokensPerPos: [1, 1, 1] }))),
    ).toBe("metrics.bad_value");
    expect(codeOf(() => rec.recordStep(spec({ numAcceptedTokensPerPos: [0, 0] })))).toBe("metrics.bad_value");
    expect(
      codeOf(() => rec.recordStep(spec({ numAcceptedTokensPerPos: [2, 0], numAcceptedTokens: 2 }))),
    ).toBe("metrics.bad_value");
    expect(codeOf(() => rec.recordStep(spec({ numDrafts: -1 })))).toBe("metrics.bad_value");
  });

  it.each(["pagoda", "vllm"] as const)("exposes vLLM's spec_decode counters (prefix %s)", async (prefix) => {
    const rec = new MetricsRecorder();
    const exporter = new PrometheusExporter({ modelName: "m", prefix });
    rec.addSink(exporter);
    const before = parseExposition(await exporter.metrics());
    const perPosName = `${prefix}:spec_decode_num_accepted_tokens_per_pos_total`;
    expect(before.get(perPosName)?.samples.map((s) => s.labels.position)).toEqual(["0"]);
    exporter.setNumSpeculativeTokens(2);
    for (const s of SPEC_STEPS) rec.recordStep(s);
    const f = parseExposition(await exporter.metrics());
    const one = (name: string) => f.get(`${prefix}:${name}`)?.samples[0]?.value;
    expect(one("spec_decode_num_drafts_total")).toBe(3);
    expect(one("spec_decode_num_draft_tokens_total")).toBe(9);
    expect(one("spec_decode_num_accepted_tokens_total")).toBe(5);
    const perPos = f.get(perPosName)?.samples.map((s) => [s.labels.position, s.value]);
    expect(perPos).toEqual([
      ["0", 2],
      ["1", 2],
      ["2", 1],
    ]);
    // Counters: a second scrape adds nothing new.
    const again = parseExposition(await exporter.metrics());
    expect(again.get(`${prefix}:spec_decode_num_drafts_total`)?.samples[0]?.value).toBe(3);
  });
});
