/**
 * `pnpm --filter @pagoda/bench soak`: 10,000 requests at concurrency 64 against a real
 * `pagoda serve` process on stories260K, then the server's state is checked: no 5xx, every
 * well-formed request that was not abandoned completed with the right usage, no KV block held,
 * nothing running or waiting, and resident memory grown by under 10 % since warm-up.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { createRng } from "../src/index.js";
import { type Answer, checkAnswer, planRequest, SOAK_PROMPTS, type SoakRequest } from "./soak-requests.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const opts = new Command()
  .option("--requests <n>", "requests in all", "10000")
  .option("--warmup <n>", "requests sent first and not measured (memory settles over them)", "6000")
  .option("--concurrency <n>", "clients at once", "64")
  .option("--model <dir>", "model folder (default: pagoda serve's, stories260K)")
  .option("--seed <n>", "seed of the request mix", "18")
  .option("--out <file>", "JSON results", fileURLToPath(new URL("./results/soak.json", import.meta.url)))
  .parse()
  .opts<{
    requests: string;
    warmup: string;
    concurrency: string;
    model?: string;
    seed: string;
    out: string;
  }>();
const NUM = Number(opts.requests);
const WARMUP = Number(opts.warmup);
const CONCURRENCY = Number(opts.concurrency);

/** Starts `pagoda serve` from the CLI's sources; resolves with its URL once it listens. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const args = ["--import", "tsx", "src/main.ts", "serve", "--port", "0", "--device", "cpu"];
  args.push("--metrics-prefix", "vllm");
  if (opts.model !== undefined) args.push("--model", opts.model);
  const child = spawn(process.execPath, args, {
    cwd: `${ROOT}apps/server`,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stdout?.resume(); // access logs
  return new Promise((resolve, reject) => {
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /listening at (http:\/\/\S+)\s/.exec(err); // whole URL, not a chunk of it
      if (m) resolve({ child, url: m[1] as string });
    });
    child.once("exit", (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`pagoda serve: ${err}\n`);
      reject(new Error(`pagoda serve exited with ${code}`));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? Number.NaN) * 1024;
}

/** The gauges the soak must see back at rest, read from `/metrics` (vLLM's names). */
async function gauges(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const name of ["num_requests_running", "num_requests_waiting", "kv_cache_usage_perc"]) {
    const m = new RegExp(`^vllm:${name}\\{[^}]*\\} (\\S+)$`, "m").exec(text);
    out[name] = Number(m?.[1] ?? Number.NaN);
  }
  return out;
}

interface Outcome {
  readonly status: number;
  readonly abandoned: boolean;
  readonly problems: string[];
}

/** Reads an SSE body, hanging up after `chunks` events when asked. */
async function readStream(res: Response, r: SoakRequest, ac: AbortController): Promise<Answer | "abandoned"> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const finishReasons = new Map<number, string | null>();
  let usage: Answer["usage"] = null;
  let buffer = "";
  let events = 0;
  let done = false;
  while (!done) {
    const { value, done: end } = await reader.read();
    if (end) break;
    buffer += decoder.decode(value, { stream: true });
    let cut = buffer.indexOf("\n\n");
    while (cut >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf("\n\n");
      const data = event.replace(/^data: /, "");
      if (data === "[DONE]") {
        done = true;
        break;
      }
      const chunk = JSON.parse(data) as {
        choices: Array<{ index: number; finish_reason: string | null }>;
        usage?: Answer["usage"];
      };
      for (const c of chunk.choices) if (c.finish_reason) finishReasons.set(c.index, c.finish_reason);
      if (chunk.usage) usage = chunk.usage;
      if (r.disconnectAfter !== null && ++events >= r.disconnectAfter) {
        ac.abort();
        return "abandoned";
      }
    }
  }
  if (!done) throw new Error("the stream ended without [DONE]");
  return { usage, finishReasons };
}

async function send(url: string, r: SoakRequest, promptTokens: Map<string, number>): Promise<Outcome> {
  const ac = new AbortController();
  const timer =
    !r.stream && r.disconnectAfter !== null ? setTimeout(() => ac.abort(), r.disconnectAfter) : undefined;
  try {
    const res = await fetch(`${url}/v1/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: r.body,
      signal: ac.signal,
    });
    if (r.kind === "malformed") {
      await res.text();
      const ok = res.status >= 400 && res.status < 500;
      return {
        status: res.status,
        abandoned: false,
        problems: ok ? [] : [`malformed body got ${res.status}`],
      };
    }
    if (res.status !== 200) {
      return { status: res.status, abandoned: false, problems: [`${res.status}: ${await res.text()}`] };
    }
    let answer: Answer | "abandoned";
    if (r.stream) answer = await readStream(res, r, ac);
    else {
      const body = (await res.json()) as {
        choices: Array<{ index: number; finish_reason: string | null }>;
        usage: Answer["usage"];
      };
      answer = {
        usage: body.usage,
        finishReasons: new Map(body.choices.map((c) => [c.index, c.finish_reason])),
      };
    }
    if (answer === "abandoned") return { status: 200, abandoned: true, problems: [] };
    return {
      status: 200,
      abandoned: false,
      problems: checkAnswer(r, answer, promptTokens.get(r.prompt) ?? -1),
    };
  } catch (err) {
    if (ac.signal.aborted) return { status: 0, abandoned: true, problems: [] };
    return { status: 0, abandoned: false, problems: [`client error: ${(err as Error).message}`] };
  } finally {
    clearTimeout(timer);
  }
}

/** Problems grouped by their first words, so a run names what failed and how often. */
function countKinds(problems: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of problems) {
    const kind = p.slice(0, 100);
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}

async function main(): Promise<void> {
  const { child, url } = await startServer();
  try {
    for (let i = 0; (await fetch(`${url}/health`)).status !== 200; i++) {
      if (i > 600) throw new Error("the server never became ready");
      await sleep(100);
    }
    const model = ((await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> })
      .data[0]?.id as string;
    const promptTokens = new Map<string, number>();
    for (const prompt of SOAK_PROMPTS) {
      const res = await fetch(`${url}/tokenize`, { method: "POST", body: JSON.stringify({ prompt }) });
      promptTokens.set(prompt, ((await res.json()) as { count: number }).count);
    }
    // Seeded, so a failing soak replays.
    const rng = createRng(Number(opts.seed));
    const rand = () => rng.next();
    const plan = Array.from({ length: NUM }, (_, i) => planRequest(i, rand, model));
    const statuses = new Map<number, number>();
    const failures: Array<{ index: number; body: string; problems: string[] }> = [];
    let abandoned = 0;
    let completed = 0;
    let next = 0;
    // The server's two isolates (HTTP and engine worker) grow their heaps to a working size over the
    // first few thousand requests: in a 30,000-request run resident memory climbed from 270 to
    // ~350 MiB by request 6,000 and stayed there. So a warm-up of the same mix runs first (its 5xx
    // count too), and memory is measured over the measured requests only.
    const warmPlan = Array.from({ length: WARMUP }, (_, i) => planRequest(NUM + i, rand, model));
    let warmNext = 0;
    let warm5xx = 0;
    let warmPeak = 0;
    const warmEvery = Math.max(1, Math.floor(WARMUP / 100));
    const warmClient = async () => {
      while (warmNext < warmPlan.length) {
        const o = await send(url, warmPlan[warmNext++] as SoakRequest, promptTokens);
        if (o.status >= 500) warm5xx++;
        if (warmNext % warmEvery === 0) warmPeak = Math.max(warmPeak, rssBytes(child.pid as number));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, warmClient));
    process.stderr.write(`soak: warm-up of ${WARMUP} done\n`);
    // Resident memory is sampled at every hundredth of both phases. It is a sawtooth (the garbage
    // collectors of two isolates; ±35 MiB over a few thousand requests even after the warm-up), so
    // single readings or window medians mostly measure where on a tooth they fell. The check is on
    // the envelope: the measured phase's peak against the warm-up's peak. A leak raises every new
    // peak; a settled heap does not.
    const rssSamples: Array<{ at: number; bytes: number }> = [];
    const sampleEvery = Math.max(1, Math.floor(NUM / 100));
    const started = performance.now();
    const client = async () => {
      while (next < plan.length) {
        const r = plan[next++] as SoakRequest;
        const o = await send(url, r, promptTokens);
        statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
        if (o.abandoned) abandoned++;
        else if (r.kind === "ok" && o.problems.length === 0) completed++;
        if (o.problems.length > 0) failures.push({ index: r.index, body: r.body, problems: o.problems });
        const done = completed + abandoned + failures.length;
        if (done % sampleEvery === 0)
          rssSamples.push({ at: done / NUM, bytes: rssBytes(child.pid as number) });
        if (done % 1000 === 0) process.stderr.write(`soak: ${done}/${NUM}\n`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, client));
    const seconds = (performance.now() - started) / 1000;
    // Abandoned requests are aborted by the server; give the gauges the one second the issue allows.
    await sleep(1000);
    const rest = await gauges(url);
    const rssWarm = warmPeak > 0 ? warmPeak : Number.NaN;
    const rssEnd = Math.max(...rssSamples.map((x) => x.bytes));
    const wellFormed = plan.filter((r) => r.kind === "ok").length;
    const num5xx = [...statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);
    const checks = {
      no5xx: num5xx === 0 && warm5xx === 0,
      everyKeptRequestCompleted: completed === wellFormed - abandoned && failures.length === 0,
      noKvBlocksHeld: rest.kv_cache_usage_perc === 0,
      nothingRunningOrWaiting: rest.num_requests_running === 0 && rest.num_requests_waiting === 0,
      rssGrowthUnder10Percent: rssEnd < rssWarm * 1.1,
    };
    const result = {
      date: new Date().toISOString(),
      requests: NUM,
      warmup: WARMUP,
      warmup5xx: warm5xx,
      concurrency: CONCURRENCY,
      seconds,
      requestsPerSecond: NUM / seconds,
      wellFormed,
      malformed: NUM - wellFormed,
      abandoned,
      completed,
      statuses: Object.fromEntries(statuses),
      gaugesAfter: rest,
      rssWarmupPeakMiB: rssWarm / 2 ** 20,
      rssMeasuredPeakMiB: rssEnd / 2 ** 20,
      rssGrowth: rssEnd / rssWarm - 1,
      rssSamplesMiB: rssSamples.map((x) => [Number(x.at.toFixed(3)), Math.round(x.bytes / 2 ** 20)]),
      checks,
      failureKinds: countKinds(failures.flatMap((f) => f.problems)),
      failures: failures.slice(0, 50),
      numFailures: failures.length,
    };
    writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `${JSON.stringify({ ...result, failures: result.failures.slice(0, 5) }, null, 2)}\n`,
    );
    process.exitCode = Object.values(checks).every(Boolean) ? 0 : 1;
  } finally {
    child.kill("SIGTERM");
  }
}

await main();
