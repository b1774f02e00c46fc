// Pagoda against llama.cpp on the same weights: stories260K (F32) and a SmolLM2-135M-shaped
// random model (F16), each written as a GGUF per --formats for llama.cpp (node-llama-cpp's
// prebuilt CPU binary). Pagoda runs the Hugging Face folder (--pagoda-from folder, compared with
// every format) or the very same GGUF file as each llama.cpp row (--pagoda-from gguf: the only
// way to compare quantized weights). Same seeded prompt ids for both, greedy, EOS ignored, both
// on --threads threads. Rows: single-stream decode, 8 and 32 concurrent streams, a 512-token
// prefill. Systems alternate within each round; medians and ratios go to a markdown table and JSON.
// Run: pnpm --filter @pagoda/bench bench:peers [--device cpu] [--rounds 3] [--models stories260K,smollm2] [--quick]
//      pnpm --filter @pagoda/bench bench:peers --formats q8_0,q4_k --pagoda-from gguf

import { execSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { FORCED_STORY } from "@pagoda/executor";
import { loadModel } from "@pagoda/model-loaders";
import { Command } from "commander";
import { llamaForced, pagodaForced } from "./peers/accuracy.js";
import { type AccuracyRow, accuracyRow, accuracyTable } from "./peers/accuracy-report.js";
import { llamaCppRunner, loadLlamaCpp } from "./peers/llama-cpp.js";
import type { PeerRunner } from "./peers/measure.js";
import { GGUF_FORMATS, type GgufFormat, prepareModel, writeFormat } from "./peers/models.js";
import { pagodaRunner } from "./peers/pagoda.js";
import {
  describeGreedy,
  type GreedyMatch,
  greedyMatches,
  markdownTable,
  medians,
  type PeerPair,
  type PeerRow,
} from "./peers/report.js";
import { type PeersResults, writeResults } from "./peers/results-file.js";
import { type Contender, runRounds, warmUp } from "./peers/rounds.js";
import { measureRss, type RssRecord } from "./peers/rss.js";
import { promptIds, scenarios } from "./peers/scenarios.js";

const opts = new Command("bench:peers")
  .description("Pagoda against llama.cpp (node-llama-cpp) on the same weights")
  .option("--device <name>", "Pagoda's device, passed to createEngine as given", "cpu")
  .option("--rounds <n>", "timed runs per system and row", "3")
  .option("--models <list>", "comma-separated: stories260K, smollm2", "stories260K,smollm2")
  .option("--quick", "fewer tokens: 16 generated per stream, a 128-token prefill", false)
  .option("--threads <n>", "threads for both systems", "2")
  .option(
    "--skip-pagoda <rows>",
    "rows Pagoda sits out (reported as skipped): `row`, `model/row` (e.g. smollm2/decode-32) or `*`",
    "",
  )
  .option("--seed <n>", "seed of the prompt ids", "0")
  .option("--no-speed", "skip the timed rows (only accuracy and peak memory)")
  .option("--no-accuracy", "skip the teacher-forced accuracy of the quantized formats against F32")
  .option("--no-rss", "skip the peak-memory runs (one fresh process per system and format)")
  .option("--formats <list>", `GGUF types llama.cpp runs: ${GGUF_FORMATS.join(", ")}`, "f32,f16")
  .option(
    "--pagoda-from <source>",
    "what Pagoda loads: folder (the safetensors) or gguf (each row's file)",
    "folder",
  )
  .parse()
  .opts<{
    device: string;
    rounds: string;
    models: string;
    quick: boolean;
    threads: string;
    skipPagoda: string;
    seed: string;
    formats: string;
    pagodaFrom: string;
    accuracy: boolean;
    rss: boolean;
    speed: boolean;
  }>();

const formats = opts.formats.split(",").filter(Boolean) as GgufFormat[];
for (const f of formats) {
  if (!GGUF_FORMATS.includes(f))
    throw new Error(`--formats: unknown ${JSON.stringify(f)}; use ${GGUF_FORMATS.join(", ")}`);
}
if (opts.pagodaFrom !== "folder" && opts.pagodaFrom !== "gguf") {
  throw new Error(`--pagoda-from: use folder or gguf, not ${JSON.stringify(opts.pagodaFrom)}`);
}

const pkg = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const rounds = Number(opts.rounds);
const threads = Number(opts.threads);
const seed = Number(opts.seed);
const skips = new Set(opts.skipPagoda.split(",").filter(Boolean));
const log = (line: string) => console.error(line);
const uptime = execSync("uptime").toString().trim();
log(`uptime before: ${uptime}`);

const rows: PeerRow[] = [];
const accuracyRows: AccuracyRow[] = [];
const rssRows: RssRecord[] = [];
const greedy: GreedyMatch[] = [];
const date = new Date().toISOString();
const file = pkg(`bench-out/peers-${date.replaceAll(":", "-")}.json`);
const results = (): PeersResults => ({
  date,
  options: { ...opts, rounds, threads, seed },
  uptime: { before: uptime },
  complete: false,
  rows,
  greedy,
  accuracy: accuracyRows,
  rss: rssRows,
});
let pairs: PeerPair[] = [];
const llama = await loadLlamaCpp(threads);
for (const id of opts.models.split(",").filter(Boolean)) {
  log(`${id}: preparing`);
  const model = await prepareModel(id, pkg(".bench-tmp"), formats);
  const list = opts.speed ? scenarios(opts.quick, model.contextLength) : [];
  const sizes = {
    maxStreams: Math.max(1, ...list.map((s) => s.streams)),
    maxTokensPerStream: Math.max(32, ...list.map((s) => s.promptLen + s.genLen)),
    maxPrompt: Math.max(16, ...list.map((s) => s.promptLen)),
  };
  const pagodas =
    opts.pagodaFrom === "gguf"
      ? await Promise.all(
          model.ggufs.map((g) => pagodaRunner(g.path, opts.device, threads, sizes, g.type.toUpperCase())),
        )
      : [await pagodaRunner(model.dir, opts.device, threads, sizes)];
  const peers = await Promise.all(
    model.ggufs.map(async (g) => {
      const runner = await llamaCppRunner(llama, g.path, threads);
      return { ...runner, name: `llama.cpp ${g.type.toUpperCase()}` };
    }),
  );
  pairs = peers.map((p, i) => [(pagodas[i] ?? (pagodas[0] as PeerRunner)).name, p.name] as const);
  // Pagoda and llama.cpp alternate: A1, B1, A2, B2 (one Pagoda before every peer in folder mode).
  const all = (skip: boolean): Contender[] =>
    peers
      .flatMap((runner, i) => {
        const mine = pagodas[i];
        return [...(mine ? [{ runner: mine, skip }] : []), { runner, skip: false }];
      })
      .concat(opts.pagodaFrom === "folder" ? [{ runner: pagodas[0] as PeerRunner, skip }] : []);
  if (list.length > 0) await warmUp(all(false), model.vocab);
  for (const [i, s] of list.entries()) {
    const skip = skips.has("*") || skips.has(s.id) || skips.has(`${id}/${s.id}`);
    const records = await runRounds(s, all(skip), rounds, promptIds(s, model.vocab, seed + i), log);
    const systems = all(skip).map((c) => c.runner.name);
    rows.push({ model: id, scenario: s, medians: medians(systems, records), records });
    if (s.id === "decode-1" && !skip) greedy.push(...greedyMatches(id, records, pairs));
    await writeResults(file, results());
  }
  for (const p of [...pagodas, ...peers]) await p.close();
  const quantized = model.ggufs.filter((g) => g.type !== "f32" && g.type !== "f16");
  if (opts.accuracy && quantized.length > 0) {
    log(`${id}: teacher-forced accuracy`);
    const tmp = pkg(".bench-tmp");
    const f32 =
      model.ggufs.find((g) => g.type === "f32")?.path ?? (await writeFormat(id, model.dir, tmp, "f32"));
    const text = await forcedText(model.dir);
    const pagodaF32 = await pagodaForced(f32, text, threads);
    const llamaF32 = await llamaForced(llama, f32, text);
    accuracyRows.push(
      accuracyRow(
        { model: id, format: "F32", system: "pagoda", versus: "llama.cpp F32" },
        llamaF32,
        pagodaF32,
      ),
    );
    for (const g of quantized) {
      const format = g.type.toUpperCase();
      const mine = await pagodaForced(g.path, text, threads);
      const theirs = await llamaForced(llama, g.path, text);
      accuracyRows.push(
        accuracyRow({ model: id, format, system: "pagoda", versus: "pagoda F32" }, pagodaF32, mine),
      );
      accuracyRows.push(
        accuracyRow({ model: id, format, system: "llama.cpp", versus: "llama.cpp F32" }, llamaF32, theirs),
      );
      accuracyRows.push(
        accuracyRow({ model: id, format, system: "pagoda", versus: `llama.cpp ${format}` }, theirs, mine),
      );
    }
    await writeResults(file, results());
  }
  if (opts.rss) {
    for (const g of model.ggufs) {
      for (const system of ["pagoda", "llama.cpp"] as const) {
        const path = system === "pagoda" && opts.pagodaFrom === "folder" ? model.dir : g.path;
        const r = await measureRss(system, path, {
          model: id,
          format: g.type.toUpperCase(),
          device: opts.device,
          threads,
          vocab: model.vocab.vocabSize,
        });
        log(`  peak RSS ${id} ${r.format} ${system}: ${r.maxRssMiB.toFixed(0)} MiB`);
        rssRows.push(r);
      }
    }
    await writeResults(file, results());
  }
}
await llama.dispose();

const table = rows.length > 0 ? markdownTable(rows, pairs) : "";
const accuracy = accuracyRows.length > 0 ? accuracyTable(accuracyRows) : "";
const rssTable = rssRows.length > 0 ? rssMarkdown(rssRows) : "";
const after = execSync("uptime").toString().trim();
if (table) console.log(`\n${table}\n`);
if (accuracy) console.log(`${accuracy}\n`);
if (rssTable) console.log(`${rssTable}\n`);
for (const g of greedy) console.log(describeGreedy(g));
console.log(`\nuptime before: ${uptime}\nuptime after:  ${after}`);
await writeResults(file, {
  ...results(),
  uptime: { before: uptime, after },
  complete: true,
  table,
  accuracyTable: accuracy,
  rssTable,
});
log(`wrote ${file}`);

/** The text the accuracy rows force: the fixed story, through the model's own tokenizer. */
async function forcedText(dir: string): Promise<number[]> {
  const m = await loadModel(dir);
  try {
    return m.tokenizer.encode(FORCED_STORY);
  } finally {
    await m.close();
  }
}

/** Peak RSS per model and format: Pagoda's, llama.cpp's and the ratio. */
function rssMarkdown(records: readonly RssRecord[]): string {
  const lines = [
    "| model | format | pagoda MiB | llama.cpp MiB | ratio |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const r of records.filter((x) => x.system === "pagoda")) {
    const peer = records.find(
      (x) => x.system === "llama.cpp" && x.model === r.model && x.format === r.format,
    );
    const ratio = peer ? `${(r.maxRssMiB / peer.maxRssMiB).toFixed(2)}×` : "–";
    lines.push(
      `| ${r.model} | ${r.format} | ${r.maxRssMiB.toFixed(0)} | ${peer?.maxRssMiB.toFixed(0) ?? "–"} | ${ratio} |`,
    );
  }
  return lines.join("\n");
}
