import { readFile } from "node:fs/promises";
import {
  type BenchRequest,
  datasetTrace,
  formatResult,
  latencyCdfChart,
  parseDataset,
  resetPrefixCache,
  runServe,
  type ServeRunResult,
  writeReport,
} from "@pagoda/bench";
import type { Command } from "commander";
import { CliUsageError } from "../generate/errors.js";
import { intFlag, numberFlag, rateFlag } from "./flags.js";
import { progressBar } from "./progress.js";
import { addWorkloadFlags, readGoodput, readTrace, type WorkloadFlags } from "./workload-flags.js";

/** The flags of `bench serve` (sweep reuses them against a server). */
export interface ServeFlags extends WorkloadFlags {
  url: string;
  model?: string;
  maxConcurrency?: string;
  vocabSize: string;
  resetPrefixCache?: boolean;
}

/** Adds the server flags to `cmd`. */
export function addServeFlags(cmd: Command): Command {
  return cmd
    .option("--url <url>", "the server's root (or its /v1)", "http://127.0.0.1:8000")
    .option("--model <name>", "the model name to ask for (default: the first of GET /v1/models)")
    .option("--max-concurrency <n>", "most requests in flight at once (default: no limit)")
    .option(
      "--vocab-size <n>",
      "synthetic prompts are random token ids below this (259 = Llama byte tokens, valid for any Llama-family vocabulary)",
      "259",
    )
    .option(
      "--reset-prefix-cache",
      "POST /reset_prefix_cache before each run (Pagoda; vLLM in dev mode), so a run never hits an earlier one's prompts",
    );
}

/** The trace the flags describe: synthetic, log-normal, or a JSONL file. */
export async function readServeTrace(flags: ServeFlags, requestRate?: number): Promise<BenchRequest[]> {
  if (flags.dataset === "synthetic" || flags.dataset === "lognormal")
    return readTrace(flags, 1 << 20, requestRate);
  const text = await readFile(flags.dataset, "utf8").catch((cause) => {
    throw new CliUsageError(
      "cli.bad_argument",
      `--dataset must be synthetic, lognormal or a JSONL file; cannot read "${flags.dataset}"`,
      {
        cause,
      },
    );
  });
  return datasetTrace(parseDataset(text, intFlag("output-len", flags.outputLen, 1)), {
    numPrompts: intFlag("num-prompts", flags.numPrompts, 1),
    requestRate: requestRate ?? rateFlag("request-rate", flags.requestRate),
    burstiness: numberFlag("burstiness", flags.burstiness, Number.MIN_VALUE),
    seed: intFlag("seed", flags.seed),
  });
}

/** Runs the trace against the server the flags name, with a progress bar. */
export async function serveOnce(
  flags: ServeFlags,
  requests: BenchRequest[],
  model: string,
): Promise<ServeRunResult> {
  const goodput = readGoodput(flags);
  const vocab = intFlag("vocab-size", flags.vocabSize, 4);
  if (flags.resetPrefixCache) await resetPrefixCache(flags.url);
  const bar = progressBar("serve", requests.length);
  try {
    return await runServe({
      url: flags.url,
      model,
      requests,
      vocabSize: vocab,
      avoidTokenIds: [0, 1, 2], // unk, bos, eos in Llama-family vocabularies
      seed: intFlag("seed", flags.seed),
      ...(flags.maxConcurrency !== undefined && {
        maxConcurrency: intFlag("max-concurrency", flags.maxConcurrency, 1),
      }),
      ...(goodput !== undefined && { goodput }),
      onProgress: bar.update,
    });
  } finally {
    bar.done();
  }
}

/** `--model`, or the first model the server lists. */
export async function resolveServedModel(flags: ServeFlags): Promise<string> {
  if (flags.model !== undefined) return flags.model;
  const base = flags.url.replace(/\/+$/, "").replace(/\/v1$/, "");
  try {
    const res = await fetch(`${base}/v1/models`);
    const body = (await res.json()) as { data?: Array<{ id?: string }> };
    const id = body.data?.[0]?.id;
    if (res.ok && typeof id === "string") return id;
  } catch {
    // fall through to the usage error
  }
  throw new CliUsageError("cli.bad_argument", `--model not given and ${base}/v1/models lists no model`);
}

/** Registers `pagoda bench serve`: a serving benchmark against any OpenAI-compatible server. */
export function registerServe(bench: Command, write: (text: string) => void): void {
  const cmd = addServeFlags(
    bench
      .command("serve")
      .description("benchmark an OpenAI-compatible server over HTTP (streaming /v1/completions)"),
  );
  addWorkloadFlags(cmd, { numPrompts: 200, inputLen: 128, outputLen: 64 }).action(
    async (flags: ServeFlags) => {
      const requests = await readServeTrace(flags);
      const model = await resolveServedModel(flags);
      const out = await serveOnce(flags, requests, model);
      for (const e of out.errors.slice(0, 3)) process.stderr.write(`request failed: ${e}\n`);
      const json = { ...out.result, url: flags.url, model };
      write(
        flags.json ? `${JSON.stringify(json)}\n` : formatResult(out.result, `Serving benchmark: ${model}`),
      );
      if (flags.out !== undefined) {
        await writeReport(flags.out, {
          title: `pagoda bench serve: ${model} at ${flags.url}`,
          config: { ...flags, model },
          data: json,
          charts: [latencyCdfChart(out.collector.requests())],
        });
      }
    },
  );
}
