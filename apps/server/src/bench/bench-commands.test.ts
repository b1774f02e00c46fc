import { mkdtemp, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { policyNames } from "@pagoda/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBench as bench } from "../testing/run-bench.js";

/** Runs `pagoda bench …` as program.ts does: typed errors become exit 1 and one line on stderr. */

const FIELDS = ["completed", "failed", "duration_s", "request_throughput", "output_throughput"];
const LATENCIES = ["ttft_ms", "tpot_ms", "itl_ms", "e2e_ms"];
const STORIES = join(import.meta.dirname, "../../../../../shared/models/stories260K");

describe("pagoda bench sim", () => {
  it.each(policyNames())("--policy %s --json prints every field", async (policy) => {
    const { code, out } = await bench([
      "sim",
      "--policy",
      policy,
      "--num-prompts",
      "150",
      "--request-rate",
      "8",
      "--input-len",
      "256",
      "--output-len",
      "64",
      "--range-ratio",
      "0.5",
      "--goodput",
      "ttft:500",
      "tpot:40",
      "--json",
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    for (const f of FIELDS) expect(typeof json[f]).toBe("number");
    for (const f of LATENCIES) expect(Object.keys(json[f])).toEqual(["mean", "p50", "p90", "p99"]);
    expect(json.completed).toBe(150);
    expect(json.goodput.slo).toEqual({ ttft: 500, tpot: 40 });
    expect(json.policy).toBe(policy);
    expect(out.trim().split("\n")).toHaveLength(1);
  });

  it("reads a model folder's config.json and the measured profile, and writes an HTML report with its JSON", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pagoda-bench-"));
    const out = join(dir, "report.html");
    const r = await bench([
      "sim",
      "--model-config",
      STORIES,
      "--device",
      "measured",
      "--num-prompts",
      "40",
      "--input-len",
      "32",
      "--output-len",
      "32",
      "--max-num-seqs",
      "8",
      "--out",
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Output token throughput (tok/s):");
    const html = await readFile(out, "utf8");
    expect(html).toContain("uPlot");
    expect(html).toContain('id="chart-1"');
    const json = JSON.parse(await readFile(join(dir, "report.json"), "utf8"));
    expect(json.data.completed).toBe(40);
    expect(json.data.model).toBe("stories260K");
  });

  it.each([
    [["--num-prompts", "0"], /--num-prompts must be an integer >= 1/],
    [["--request-rate", "-2"], /--request-rate must be a number > 0 or inf/],
    [["--device", "tpu"], /no device profile named 'tpu'/],
    [["--model-config", "/no/such.json"], /--model-config must be a preset/],
    [["--goodput", "ttft"], /goodput must be KEY:MS pairs/],
    [["--dataset", "sharegpt"], /--dataset must be one of synthetic, lognormal/],
    [
      ["--policy", "lifo"],
      /--policy must be one of fcfs, .* or a module path like \.\/my-policy\.js; got "lifo"/,
    ],
    [["--policy-options", "{oops"], /--policy-options must be a JSON object/],
    [["--policy", "priority", "--policy-options", '{"aging":1}'], /policy priority has no option aging/],
    [["--policy", "./no-such-policy.js"], /policy module \.\/no-such-policy\.js failed to load: /],
    [["--range-ratio", "1"], /--range-ratio must be a number in \[0, 1\)/],
  ])("exits 1 with one line for %j", async (args, reason) => {
    const r = await bench(["sim", "--num-prompts", "5", ...args]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(reason);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });
});

describe("pagoda bench batch (simulated)", () => {
  it("sweeps 1, 2, 4 and compares static with continuous batching", async () => {
    const { code, out } = await bench([
      "batch",
      "--max-batch",
      "4",
      "--num-prompts",
      "24",
      "--dataset",
      "lognormal",
      "--input-len",
      "64",
      "--output-len",
      "64",
      "--json",
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.sweep.map((r: { max_num_seqs: number }) => r.max_num_seqs)).toEqual([1, 2, 4]);
    const tput = json.sweep.map((r: { result: { output_throughput: number } }) => r.result.output_throughput);
    expect(tput[2]).toBeGreaterThan(tput[0] * 2); // memory-bound decode: batching pays
    expect(json.static_vs_continuous.throughput_ratio).toBeGreaterThan(1);
  });
});

describe("pagoda bench batch (real engine, speculative)", () => {
  it("runs a speculating CPU engine and reports its drafts' acceptance per row", async () => {
    const { code, out } = await bench([
      "batch",
      "--engine",
      "cpu",
      "--model",
      STORIES,
      "--max-batch",
      "2",
      "--num-prompts",
      "4",
      "--input-len",
      "16",
      "--output-len",
      "16",
      "--speculative-model",
      STORIES,
      "--num-speculative-tokens",
      "2",
      "--json",
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    for (const row of json.sweep) {
      expect(row.result.completed).toBe(4);
      // Draft = target: every greedy draft is accepted.
      expect(row.spec_decode.acceptance_rate).toBe(1);
      expect(row.spec_decode.num_draft_tokens).toBeGreaterThan(0);
    }
  }, 60_000);
});

// A scripted OpenAI-style server: lists one model and streams max_tokens one-token chunks; counts
// prefix-cache resets, or refuses them with a 409 while `refuseResets` is set.
let numResets = 0;
let refuseResets = false;
const server = createServer((req, res) => {
  if (req.url === "/reset_prefix_cache") {
    if (refuseResets) {
      res.writeHead(409, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "requests hold KV blocks", code: "cache.busy" } }));
      return;
    }
    numResets++;
    res.writeHead(200, { "content-type": "application/json" }).end('{"reset":true}');
    return;
  }
  if (req.url === "/v1/models") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ data: [{ id: "tiny" }] }));
    return;
  }
  let raw = "";
  req.on("data", (d) => {
    raw += d;
  });
  req.on("end", () => {
    const body = JSON.parse(raw);
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (let i = 0; i < body.max_tokens; i++)
      res.write(`data: ${JSON.stringify({ choices: [{ text: "a" }] })}\n\n`);
    res.end("data: [DONE]\n\n");
  });
});
let url = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("pagoda bench serve and sweep", () => {
  it("serve --json asks /v1/models for the model and prints every field", async () => {
    const r = await bench([
      "serve",
      "--url",
      url,
      "--num-prompts",
      "5",
      "--output-len",
      "3",
      "--request-rate",
      "50",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ completed: 5, failed: 0, total_output_tokens: 15, model: "tiny" });
    for (const f of LATENCIES) expect(Object.keys(json[f])).toEqual(["mean", "p50", "p90", "p99"]);
  });

  it("sweep over rates against the server prints one row per rate", async () => {
    const r = await bench([
      "sweep",
      "--target",
      "serve",
      "--url",
      url,
      "--model",
      "tiny",
      "--rates",
      "20,inf",
      "--num-prompts",
      "4",
      "--output-len",
      "2",
    ]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^\s*rate 20\s+4\s+0/);
    expect(lines[3]).toMatch(/^\s*rate Infinity\s+4/);
  });

  it("--reset-prefix-cache resets the server before each run of a sweep, and says why it could not", async () => {
    const args = ["sweep", "--target", "serve", "--url", url, "--model", "tiny", "--rates", "20,inf"];
    const before = numResets;
    const ok = await bench([...args, "--num-prompts", "2", "--output-len", "2", "--reset-prefix-cache"]);
    expect(ok.code).toBe(0);
    expect(numResets - before).toBe(2);
    refuseResets = true;
    try {
      const r = await bench(["serve", "--url", url, "--num-prompts", "2", "--reset-prefix-cache"]);
      expect(r.code).toBe(1);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toMatch(/reset_prefix_cache answered HTTP 409: requests hold KV blocks/);
    } finally {
      refuseResets = false;
    }
  });

  it("sweep over policies in the simulator gives one JSON row each", async () => {
    const r = await bench([
      "sweep",
      "--policies",
      "fcfs,sjf,static",
      "--num-prompts",
      "50",
      "--request-rate",
      "20",
      "--input-len",
      "64",
      "--output-len",
      "32",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.rows.map((row: { policy: string }) => row.policy)).toEqual(["fcfs", "sjf", "static"]);
    for (const row of json.rows) expect(row.result.completed).toBe(50);
  });

  it.each([
    [["sweep", "--num-prompts", "2"], /--rates must be given, or --policies/],
    [["sweep", "--rates", "1", "--policies", "fcfs"], /--rates must be given, or --policies/],
    [["sweep", "--target", "serve", "--policies", "fcfs"], /--policies must be used with --target sim/],
    [["sweep", "--rates", "1,,2"], /--rates must be a comma-separated list/],
    [["serve", "--dataset", "/no/such.jsonl"], /--dataset must be synthetic, lognormal or a JSONL file/],
    [
      ["serve", "--url", "http://127.0.0.1:1", "--num-prompts", "1"],
      /--model not given and http:\/\/127.0.0.1:1\/v1\/models lists no model/,
    ],
    [["batch", "--engine", "tpu"], /--engine must be one of sim, cpu, webgpu/],
    [
      ["batch", "--speculative", "ngram", "--num-speculative-tokens", "2"],
      /speculative decoding needs a real engine/,
    ],
    [["compare", "--ngram-min", "2"], /--ngram-min needs --speculative ngram/],
    [
      ["batch", "--engine", "cpu", "--quantization", "int4"],
      /--quantization must be q8_0, q4_0, q4_k; got "int4"/,
    ],
  ])("exits 1 with one line for %j", async (args, reason) => {
    const r = await bench(args);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(reason);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });
});
