import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { DEVICE_PROFILES } from "../bottleneck/device-profiles.js";
import type { StepRecord } from "../events.js";
import type { FinishedRequest } from "../recorder/finished-request.js";
import { MetricsRecorder } from "../recorder/metrics-recorder.js";
import { type Family, histogramSeries, parseExposition } from "../testing/prom-text.js";
import { rng, syntheticWorkload, workloadEvents } from "../testing/workload.js";
import { ITERATION_TOKEN_BUCKETS, REQUEST_LATENCY_BUCKETS, TTFT_BUCKETS } from "./buckets.js";
import { METRIC_DEFINITIONS } from "./metric-names.js";
import { PrometheusExporter } from "./prometheus-exporter.js";

interface Scrape {
  /** The npm parser's view: used for counters and gauges, which it reads completely. */
  readonly npm: Map<string, ParsedFamily>;
  /** The strict reader's view: used for histograms, whose labels the npm parser drops. */
  readonly strict: Map<string, Family>;
}

/** Reads the exposition with both parsers; they must accept it and agree on its families. */
async function scrape(exporter: PrometheusExporter): Promise<Scrape> {
  const text = await exporter.metrics();
  const npm = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  const strict = parseExposition(text);
  expect([...npm.values()].map((f) => `${f.name} ${f.type}`).sort()).toEqual(
    [...strict.values()].map((f) => `${f.name} ${f.type.toUpperCase()}`).sort(),
  );
  return { npm, strict };
}

function family<F>(families: Map<string, F>, name: string): F {
  const f = families.get(name);
  if (!f) throw new Error(`${name} missing from the exposition`);
  return f;
}

/** The value of a counter or gauge series, read by the npm parser and checked against the strict one. */
function value(s: Scrape, name: string, extra: Record<string, string> = {}): number {
  const matches = (labels: Record<string, string> | undefined) =>
    Object.entries(extra).every(([k, v]) => labels?.[k] === v);
  const m = family(s.npm, name).metrics.filter((x) => matches(x.labels));
  const strict = family(s.strict, name).samples.filter((x) => matches(x.labels));
  expect(m).toHaveLength(1);
  expect(strict).toHaveLength(1);
  expect(Number(m[0]?.value)).toBe(strict[0]?.value);
  return Number(m[0]?.value);
}

function histogram(s: Scrape, name: string) {
  return histogramSeries(family(s.strict, name), {});
}

describe("PrometheusExporter", () => {
  it("exposes every vLLM-named metric from the start, with a model_name label", async () => {
    const exporter = new PrometheusExporter({ modelName: "tiny-llama" });
    const before = await scrape(exporter);
    // The cache's configuration is known once a model is loaded; until then the family is empty.
    expect(family(before.strict, "pagoda:cache_config_info").samples).toEqual([]);
    exporter.setCacheConfig({ blockSize: 16, numGpuBlocks: 512, cacheDtype: "f16", kvCacheBytes: 1 << 20 });
    const s = await scrape(exporter);
    expect(family(s.strict, "pagoda:cache_config_info").samples).toEqual([
      {
        name: "pagoda:cache_config_info",
        labels: {
          model_name: "tiny-llama",
          block_size: "16",
          num_gpu_blocks: "512",
          cache_dtype: "f16",
          kv_cache_bytes: "1048576",
        },
        value: 1,
      },
    ]);
    for (const d of Object.values(METRIC_DEFINITIONS)) {
      const f = family(s.strict, d.name);
      expect(f.name.startsWith("pagoda:")).toBe(true);
      expect(f.type).toBe(d.kind);
      expect(f.help).toBe(d.help);
      expect(f.samples.length).toBeGreaterThan(0);
      for (const m of f.samples) expect(m.labels.model_name).toBe("tiny-llama");
    }
    expect(s.strict.size).toBe(Object.keys(METRIC_DEFINITIONS).length);
    for (const reason of ["stop", "length", "abort", "error"]) {
      expect(value(s, "pagoda:request_success_total", { finished_reason: reason })).toBe(0);
    }
    const ttft = histogram(s, "pagoda:time_to_first_token_seconds");
    expect(ttft.buckets.map((b) => b.le)).toEqual([...TTFT_BUCKETS, Number.POSITIVE_INFINITY]);
    expect(ttft.count).toBe(0);
  });

  it("agrees with the recorder: histogram counts equal finished requests, counters and gauges match", async () => {
    const rec = new MetricsRecorder({
      bottleneck: {
        model: {
          numLayers: 2,
          hiddenSize: 64,
          numHeads: 4,
          numKvHeads: 2,
          headDim: 16,
          intermediateSize: 128,
          vocabSize: 1000,
          weightBytesPerParam: 2,
          kvBytesPerElement: 2,
        },
        device: DEVICE_PROFILES.L4,
      },
    });
    const exporter = new PrometheusExporter({ modelName: "m" });
    rec.addSink(exporter);
    const finished: FinishedRequest[] = [];
    rec.addSink({ requestFinished: (r) => finished.push(r) });
    for (const e of workloadEvents(syntheticWorkload(500, 3, 10))) rec.record(e);
    const rand = rng(9);
    for (let i = 0; i < 300; i++) {
      const queries = Math.floor(rand() * 100);
      const step: StepRecord = {
        numPrefillTokens: Math.floor(rand() * 600),
        numDecodeTokens: Math.floor(rand() * 30),
        numSeqs: 1 + Math.floor(rand() * 30),
        prefillSeconds: rand() * 0.05,
        decodeSeconds: rand() * 0.02,
        kvCacheUsage: rand(),
        numRunning: Math.floor(rand() * 30),
        numWaiting: Math.floor(rand() * 10),
        numSwapped: Math.floor(rand() * 3),
        prefixCacheQueries: queries,
        prefixCacheHits: Math.floor(rand() * queries),
        numPreemptions: rand() < 0.1 ? 1 : 0,
        batch: { numNewTokens: [1 + Math.floor(rand() * 50)], numContextTokens: [Math.floor(rand() * 500)] },
      };
      rec.recordStep(step);
    }
    const snap = rec.snapshot();
    const s = await scrape(exporter);
    const count = (name: string) => histogram(s, name).count;

    expect(count("pagoda:e2e_request_latency_seconds")).toBe(500);
    expect(count("pagoda:e2e_request_latency_seconds")).toBe(snap.requests.finished);
    for (const [name, key] of [
      ["pagoda:time_to_first_token_seconds", "ttft"],
      ["pagoda:request_queue_time_seconds", "queue"],
      ["pagoda:request_prefill_time_seconds", "prefill"],
      ["pagoda:request_decode_time_seconds", "decode"],
      ["pagoda:request_inference_time_seconds", "inference"],
      ["pagoda:request_time_per_output_token_seconds", "tpot"],
      ["pagoda:inter_token_latency_seconds", "itl"],
    ] as const) {
      expect(count(name)).toBe(snap.latency[key].count);
      expect(histogram(s, name).sum).toBeCloseTo(snap.latency[key].sum, 6);
    }
    expect(count("pagoda:time_to_first_token_seconds")).toBe(450); // every 10th aborted in the queue
    // A bucket count is the number of values at or below its bound.
    const e2e = histogram(s, "pagoda:e2e_request_latency_seconds");
    expect(e2e.buckets.map((b) => b.le)).toEqual([...REQUEST_LATENCY_BUCKETS, Number.POSITIVE_INFINITY]);
    e2e.buckets.forEach(({ le, count: n }) => {
      expect(n).toBe(finished.filter((r) => r.e2eSeconds <= le).length);
    });

    for (const reason of ["stop", "length", "abort", "error"] as const) {
      expect(value(s, "pagoda:request_success_total", { finished_reason: reason })).toBe(
        snap.requests.finishedByReason[reason],
      );
    }
    expect(value(s, "pagoda:prompt_tokens_total")).toBe(snap.requests.promptTokens);
    expect(value(s, "pagoda:generation_tokens_total")).toBe(snap.requests.generationTokens);
    expect(value(s, "pagoda:num_preemptions_total")).toBe(snap.scheduler.numPreemptions);
    expect(value(s, "pagoda:prefix_cache_queries_total")).toBe(snap.scheduler.prefixCacheQueries);
    expect(value(s, "pagoda:prefix_cache_hits_total")).toBe(snap.scheduler.prefixCacheHits);
    expect(value(s, "pagoda:num_requests_running")).toBe(snap.scheduler.numRunning);
    expect(value(s, "pagoda:num_requests_waiting")).toBe(snap.scheduler.numWaiting);
    expect(value(s, "pagoda:num_requests_swapped")).toBe(snap.scheduler.numSwapped);
    expect(value(s, "pagoda:kv_cache_usage_perc")).toBeCloseTo(snap.scheduler.kvCacheUsage, 12);
    expect(value(s, "pagoda:step_time_seconds_total", { phase: "prefill" })).toBeCloseTo(
      snap.steps.prefillSeconds,
      9,
    );
    expect(value(s, "pagoda:step_time_seconds_total", { phase: "decode" })).toBeCloseTo(
      snap.steps.decodeSeconds,
      9,
    );
    expect(count("pagoda:iteration_tokens_total")).toBe(300);
    expect(histogram(s, "pagoda:iteration_tokens_total").buckets.map((b) => b.le)).toEqual([
      ...ITERATION_TOKEN_BUCKETS,
      Number.POSITIVE_INFINITY,
    ]);
    const last = snap.bottleneck?.last;
    expect(value(s, "pagoda:step_arithmetic_intensity")).toBeCloseTo(
      last?.arithmeticIntensity ?? Number.NaN,
      9,
    );
    expect(value(s, "pagoda:step_compute_bound")).toBe(last?.bound === "compute" ? 1 : 0);
  });

  it("escapes awkward model names and keeps exporters apart", async () => {
    const odd = 'my "model"\\v2\nfinal';
    const a = new PrometheusExporter({ modelName: odd });
    const b = new PrometheusExporter({ modelName: "other" });
    a.requestFinished({
      requestId: "x",
      reason: "stop",
      numPromptTokens: 1,
      n: 1,
      numGenerationTokens: 0,
      numPreemptions: 0,
      arrivalTime: 0,
      finishTime: 1,
      e2eSeconds: 1,
      queueSeconds: null,
      ttftSeconds: null,
      prefillSeconds: null,
      decodeSeconds: null,
      inferenceSeconds: null,
      tpotSeconds: null,
    });
    const sa = await scrape(a);
    const sb = await scrape(b);
    expect(value(sa, "pagoda:request_success_total", { finished_reason: "stop", model_name: odd })).toBe(1);
    expect(value(sb, "pagoda:request_success_total", { finished_reason: "stop", model_name: "other" })).toBe(
      0,
    );
    expect(histogram(sa, "pagoda:e2e_request_latency_seconds").count).toBe(1);
    expect(histogram(sb, "pagoda:e2e_request_latency_seconds").count).toBe(0);
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("keeps counting across scrapes (counters are flushed into prom-client on each scrape)", async () => {
    const rec = new MetricsRecorder();
    const exporter = new PrometheusExporter({ modelName: "m" });
    rec.addSink(exporter);
    rec.record({ kind: "arrived", requestId: "a", time: 0, numPromptTokens: 10 });
    rec.record({ kind: "scheduled", requestId: "a", time: 0 });
    rec.record({ kind: "token", requestId: "a", time: 1 });
    expect(value(await scrape(exporter), "pagoda:generation_tokens_total")).toBe(1);
    rec.record({ kind: "token", requestId: "a", time: 2, numTokens: 2 });
    rec.record({ kind: "finished", requestId: "a", time: 2, reason: "length" });
    const s = await scrape(exporter);
    expect(value(s, "pagoda:generation_tokens_total")).toBe(3);
    expect(value(s, "pagoda:prompt_tokens_total")).toBe(10);
    expect(value(s, "pagoda:request_success_total", { finished_reason: "length" })).toBe(1);
    expect(histogram(s, "pagoda:inter_token_latency_seconds")).toMatchObject({ count: 1, sum: 1 });
    expect(value(await scrape(exporter), "pagoda:generation_tokens_total")).toBe(3);
  });
});
