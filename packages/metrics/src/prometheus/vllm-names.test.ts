import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { MetricsRecorder } from "../recorder/metrics-recorder.js";
import { histogramSeries, parseExposition } from "../testing/prom-text.js";
import { oneTwoFiveBuckets, REQUEST_PARAMS_N_BUCKETS } from "./buckets.js";
import { METRIC_DEFINITIONS, metricName } from "./metric-names.js";
import { PrometheusExporter } from "./prometheus-exporter.js";

const INF = Number.POSITIVE_INFINITY;

/** Runs one request through a recorder feeding `exporter`: arrival, `tokens` tokens, finish. */
function runRequest(rec: MetricsRecorder, id: string, prompt: number, tokens: number, n = 1) {
  rec.record({ kind: "arrived", requestId: id, time: 0, numPromptTokens: prompt, n });
  rec.record({ kind: "scheduled", requestId: id, time: 0.1 });
  if (tokens > 0) rec.record({ kind: "token", requestId: id, time: 0.2, numTokens: tokens });
  rec.record({ kind: "finished", requestId: id, time: 0.3, reason: "length" });
}

async function families(exporter: PrometheusExporter) {
  return parseExposition(await exporter.metrics());
}

describe("metric names under the vllm prefix", () => {
  it("exposes vLLM's names verbatim, and Pagoda-only metrics under pagoda:", async () => {
    const exporter = new PrometheusExporter({ modelName: "m", prefix: "vllm" });
    exporter.setCacheConfig({ blockSize: 16, numGpuBlocks: 64, cacheDtype: "f16", kvCacheBytes: 4096 });
    const f = await families(exporter);
    const expected = Object.values(METRIC_DEFINITIONS).map((d) => d.vllmName ?? d.name);
    expect([...f.keys()].sort()).toEqual(expected.sort());
    // What the Gateway API Inference Extension and vLLM's Grafana dashboard read.
    for (const name of [
      "vllm:num_requests_waiting",
      "vllm:num_requests_running",
      "vllm:kv_cache_usage_perc",
      "vllm:request_success_total",
      "vllm:time_to_first_token_seconds",
      "vllm:request_prompt_tokens",
      "vllm:request_generation_tokens",
      "vllm:request_params_n",
      "vllm:cache_config_info",
    ]) {
      expect(f.get(name), name).toBeDefined();
    }
    expect(f.get("pagoda:num_requests_waiting")).toBeUndefined();
    expect(f.get("pagoda:step_arithmetic_intensity")).toBeDefined(); // vLLM has no such metric
  });

  it("keeps the pagoda: names by default", async () => {
    const f = await families(new PrometheusExporter({ modelName: "m" }));
    for (const d of Object.values(METRIC_DEFINITIONS)) {
      expect(metricName(d, "pagoda")).toBe(d.name);
      if (d.name !== "pagoda:cache_config_info") expect(f.get(d.name), d.name).toBeDefined();
    }
    expect([...f.keys()].some((name) => name.startsWith("vllm:"))).toBe(false);
  });
});

describe("per-request histograms (request_prompt_tokens, request_generation_tokens, request_params_n)", () => {
  it("builds vLLM's 1-2-5 buckets up to the context length", () => {
    expect(oneTwoFiveBuckets(100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(oneTwoFiveBuckets(512)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500]);
    expect(oneTwoFiveBuckets(1)).toEqual([1]);
    expect(oneTwoFiveBuckets(0)).toEqual([]);
  });

  it("observes each finished request's prompt, generated tokens and n, in the right buckets", async () => {
    const rec = new MetricsRecorder();
    const exporter = new PrometheusExporter({ modelName: "m", prefix: "vllm", maxModelLen: 512 });
    rec.addSink(exporter);
    runRequest(rec, "a", 3, 7);
    runRequest(rec, "b", 40, 120, 4);
    runRequest(rec, "c", 500, 0, 2); // aborted before its first token still counts, as in vLLM
    const f = await families(exporter);
    const series = (name: string) => {
      const family = f.get(name);
      if (family === undefined) throw new Error(`${name} missing`);
      return histogramSeries(family, { model_name: "m" });
    };
    const prompt = series("vllm:request_prompt_tokens");
    expect(prompt.buckets.map((b) => b.le)).toEqual([...oneTwoFiveBuckets(512), INF]);
    expect(prompt).toMatchObject({ count: 3, sum: 543 });
    expect(prompt.buckets.find((b) => b.le === 5)?.count).toBe(1);
    expect(prompt.buckets.find((b) => b.le === 50)?.count).toBe(2);
    expect(prompt.buckets.find((b) => b.le === 500)?.count).toBe(3);
    const generation = series("vllm:request_generation_tokens");
    expect(generation).toMatchObject({ count: 3, sum: 127 });
    expect(generation.buckets.find((b) => b.le === 1)?.count).toBe(1); // the 0-token request
    expect(generation.buckets.find((b) => b.le === 100)?.count).toBe(2);
    expect(generation.buckets.find((b) => b.le === 200)?.count).toBe(3);
    const n = series("vllm:request_params_n");
    expect(n.buckets.map((b) => b.le)).toEqual([...REQUEST_PARAMS_N_BUCKETS, INF]);
    expect(n).toMatchObject({ count: 3, sum: 7 });
    expect(n.buckets.map((b) => b.count)).toEqual([1, 2, 3, 3, 3, 3]);
  });

  it("rebuilds the token buckets for the loaded model's context length", async () => {
    const rec = new MetricsRecorder();
    const exporter = new PrometheusExporter({ modelName: "m" });
    rec.addSink(exporter);
    exporter.setMaxModelLen(256);
    runRequest(rec, "a", 30, 2);
    const f = await families(exporter);
    const family = f.get("pagoda:request_prompt_tokens");
    if (family === undefined) throw new Error("pagoda:request_prompt_tokens missing");
    const prompt = histogramSeries(family, { model_name: "m" });
    expect(prompt.buckets.map((b) => b.le)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, INF]);
    expect(prompt).toMatchObject({ count: 1, sum: 30 });
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isPagodaError(err) ? err.code : "not a PagodaError";
      }
      return "no error";
    };
    expect(code(() => exporter.setMaxModelLen(0))).toBe("metrics.bad_value");
    expect(
      code(() => rec.record({ kind: "arrived", requestId: "z", time: 1, numPromptTokens: 1, n: 0 })),
    ).toBe("metrics.bad_value");
  });
});
