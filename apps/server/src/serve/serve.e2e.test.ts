import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../program.js";

const appDir = fileURLToPath(new URL("../..", import.meta.url));
const golden = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../../../../../shared/golden/stories260K-greedy.json", import.meta.url)),
    "utf8",
  ),
) as { cases: Array<{ prompt: string; completion_ids: number[]; text: string }> };

/** Starts `pagoda serve` from the sources as a real process; resolves with its URL once it listens. */
function startCli(
  args: string[],
): Promise<{ child: ChildProcess; url: string; stderr: () => string; stdout: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "serve", ...args], {
    cwd: appDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  let out = ""; // the JSON log lines
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /listening at (http:\/\/\S+)/.exec(err);
      if (m) resolve({ child, url: m[1] as string, stderr: () => err, stdout: () => out });
    });
    child.once("exit", (code) => reject(new Error(`pagoda serve exited with ${code}: ${err}`)));
  });
}

function captureErr() {
  const io = {
    errText: "",
    out: () => {},
    err: (s: string) => {
      io.errText += s;
    },
  };
  return io;
}

async function untilReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const res = await fetch(`${url}/health`);
    if (res.status === 200) return;
    expect(res.status).toBe(503); // loading
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the server never became ready");
}

describe("pagoda serve (a real process)", () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    child?.kill("SIGKILL");
    child = null;
  });

  it("serves the default model, answers the README's curl request, and exits 0 on SIGTERM", async () => {
    const cli = await startCli(["--port", "0", "--device", "cpu"]);
    child = cli.child;
    await untilReady(cli.url);
    const models = (await (await fetch(`${cli.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data[0]?.id).toBe("stories260K");
    // The CPU device's default KV cache is F16 (`--kv-cache-dtype auto`), and /metrics says so.
    const metrics = await (await fetch(`${cli.url}/metrics`)).text();
    expect(metrics).toMatch(/^pagoda:cache_config_info\{[^}]*cache_dtype="f16"[^}]*\} 1$/m);

    const c = golden.cases[2] as (typeof golden.cases)[number];
    const res = await fetch(`${cli.url}/v1/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "stories260K", prompt: c.prompt, max_tokens: 40, temperature: 0 }),
    });
    const body = (await res.json()) as {
      choices: Array<{ text: string }>;
      usage: { completion_tokens: number };
    };
    expect(res.status).toBe(200);
    expect(body.usage.completion_tokens).toBe(40);
    expect(c.text.startsWith(`${c.prompt}${body.choices[0]?.text}`)).toBe(true);

    const exited = new Promise<number | null>((resolve) => cli.child.once("exit", resolve));
    cli.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    child = null;
  }, 60_000);

  it("speculates with --speculative ngram: says so at start-up, keeps the greedy text, counts drafts in /metrics", async () => {
    const cli = await startCli([
      "--port",
      "0",
      "--device",
      "cpu",
      "--speculative",
      "ngram",
      "--num-speculative-tokens",
      "4",
      "--ngram-min",
      "1",
      "--kv-cache-dtype",
      "f32", // the goldens' precision over 120 tokens
    ]);
    child = cli.child;
    await untilReady(cli.url);
    for (let i = 0; i < 100 && !cli.stdout().includes("speculative decoding:"); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(cli.stdout()).toContain("speculative decoding: ngram k=4 n=1..4");
    const c = golden.cases[2] as (typeof golden.cases)[number];
    const res = await fetch(`${cli.url}/v1/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "stories260K", prompt: c.prompt, max_tokens: 120, temperature: 0 }),
    });
    const body = (await res.json()) as { choices: Array<{ text: string }> };
    expect(res.status).toBe(200);
    expect(c.text.startsWith(`${c.prompt}${body.choices[0]?.text}`)).toBe(true);
    const metrics = await (await fetch(`${cli.url}/metrics`)).text();
    const drafts = /^pagoda:spec_decode_num_draft_tokens_total\{[^}]*\} (\d+)$/m.exec(metrics);
    expect(Number(drafts?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(
      /^pagoda:spec_decode_num_accepted_tokens_per_pos_total\{[^}]*position="3"[^}]*\} \d+$/m,
    );
  }, 60_000);

  it("serves a Q8_0 GGUF that pagoda quantize wrote, with an int8 KV cache", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pagoda-serve-gguf-"));
    const file = join(dir, "stories-q8_0.gguf");
    const stories = fileURLToPath(new URL("../../../../../shared/models/stories260K", import.meta.url));
    expect(await run(["quantize", stories, file, "--type", "q8_0"], captureErr())).toBe(0);
    const cli = await startCli([
      "--port",
      "0",
      "--device",
      "cpu",
      "--model",
      file,
      "--kv-cache-dtype",
      "int8",
    ]);
    child = cli.child;
    await untilReady(cli.url);
    const models = (await (await fetch(`${cli.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    const id = models.data[0]?.id as string;
    const res = await fetch(`${cli.url}/v1/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: id, prompt: "Once upon a time", max_tokens: 12, temperature: 0 }),
    });
    const body = (await res.json()) as { choices: Array<{ text: string }> };
    expect(res.status).toBe(200);
    // Q8_0 weights and an int8 cache keep stories260K's first greedy words.
    expect(body.choices[0]?.text.startsWith(", there was a little girl named Lily")).toBe(true);
    const metrics = await (await fetch(`${cli.url}/metrics`)).text();
    expect(metrics).toMatch(/cache_dtype="int8"/);
    expect(cli.stderr()).not.toMatch(/error/i);
  }, 60_000);

  it("names /metrics as vLLM does with --metrics-prefix vllm, with the roofline gauges live", async () => {
    const cli = await startCli(["--port", "0", "--device", "cpu", "--metrics-prefix", "vllm"]);
    child = cli.child;
    await untilReady(cli.url);
    const res = await fetch(`${cli.url}/v1/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        model: "stories260K",
        prompt: "Once upon a time",
        max_tokens: 5,
        n: 2,
        seed: 1,
      }),
    });
    expect(res.status).toBe(200);
    const metrics = await (await fetch(`${cli.url}/metrics`)).text();
    const sample = (name: string) => {
      const m = new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, "m").exec(metrics);
      if (m === null) throw new Error(`${name} is not in /metrics`);
      return Number(m[1]);
    };
    // What the Gateway API Inference Extension reads, under vLLM's own names.
    expect(sample("vllm:num_requests_waiting")).toBe(0);
    expect(sample("vllm:kv_cache_usage_perc")).toBeGreaterThanOrEqual(0);
    expect(metrics).not.toMatch(/^pagoda:num_requests_running/m);
    expect(sample("vllm:request_params_n_sum")).toBe(2);
    expect(sample("vllm:request_generation_tokens_sum")).toBe(10);
    // 1-2-5 buckets up to the served context length (stories260K: 512).
    expect(metrics).toMatch(/^vllm:request_prompt_tokens_bucket\{le="500",[^}]*\} 1$/m);
    expect(metrics).not.toMatch(/^vllm:request_prompt_tokens_bucket\{le="1000"/m);
    // The roofline: the model's shape from its config, the host measured for the CPU executor.
    expect(sample("pagoda:step_arithmetic_intensity")).toBeGreaterThan(0);
    expect(metrics).toMatch(/^vllm:cache_config_info\{/m);
  }, 60_000);

  it("says exactly what to pass when there is no model to serve", async () => {
    const io = captureErr();
    const saved = process.env.PAGODA_MODEL;
    process.env.PAGODA_MODEL = "/nowhere/stories260K";
    try {
      expect(await run(["serve"], io)).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.PAGODA_MODEL;
      else process.env.PAGODA_MODEL = saved;
    }
    expect(io.errText).toMatch(/^pagoda: no model to serve: pass --model DIR\|HF_ID or set PAGODA_MODEL/);
    expect(io.errText.split("\n").length).toBe(2);
  });

  it("ends with exit code 1 and one line when the model folder is broken", async () => {
    const io = captureErr();
    expect(await run(["serve", "--port", "0", "--model", appDir], io)).toBe(1);
    expect(io.errText.split("\n").filter((l) => l !== "").length).toBe(2); // "listening", then the reason
    expect(io.errText).toMatch(/pagoda: .*config\.json/);
  });
});
