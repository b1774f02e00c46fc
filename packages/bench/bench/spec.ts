// Speculative decoding's speedup through createEngine (greedy, EOS ignored): decode tok/s with
// speculation off and with n-gram or a draft model at k drafts per step, single stream and 8
// streams, on the WASM (`cpu`) executor and on WebGPU (lavapipe here, a smaller configuration).
// Contenders alternate within each round (off, k=2, k=4, off, …); medians; greedy outputs with
// speculation must equal those without (the run fails otherwise). Results JSON to bench/results/.
// Run: pnpm --filter @pagoda/bench bench:spec [--rounds 5] [--devices cpu,webgpu] [--cases …] [--threads 2]
//      (webgpu: export XDG_RUNTIME_DIR=/tmp/xdg)

import { execSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { CASE_IDS, contenders, makeCase } from "./spec/cases.js";
import { markdownTable, profileLine, type SpecRow, summarize } from "./spec/report.js";
import { type SpecRunner, specRunner } from "./spec/runner.js";

const opts = new Command("bench:spec")
  .option("--devices <list>", "cpu, webgpu", "cpu,webgpu")
  .option("--cases <list>", `cases on cpu: ${CASE_IDS.join(", ")}`, CASE_IDS.join(","))
  .option(
    "--webgpu-cases <list>",
    "cases on webgpu (lavapipe is slow)",
    "ngram-stories,ngram-llama,draft-llama,self-stories",
  )
  .option("--ks <list>", "drafts per step", "2,4")
  .option("--streams <list>", "concurrent streams (the largest is also the number of prompts)", "1,8")
  .option("--rounds <n>", "timed runs per contender (they alternate within a round)", "5")
  .option("--rounds-large <n>", "rounds for the large targets", "3")
  .option("--webgpu-rounds <n>", "rounds of every case on webgpu", "3")
  .option("--gen <n>", "tokens generated per stream on cpu", "128")
  .option(
    "--gen-large <n>",
    "tokens per stream on cpu for the large targets (SmolLM2-shaped, the random Llama)",
    "48",
  )
  .option("--single-large <n>", "prompts the large targets decode one at a time (1 stream)", "2")
  .option("--webgpu-gen <n>", "tokens generated per stream on webgpu", "48")
  .option("--threads <n>", "threads of the cpu executor", "2")
  .option("--out <file>", "results JSON (default bench/results/spec-<date>.json)")
  .parse()
  .opts<Record<string, string>>();

const list = (s: string | undefined) => (s ?? "").split(",").filter(Boolean);
const ks = list(opts.ks).map(Number);
const streamsList = list(opts.streams).map(Number);
const rounds = Number(opts.rounds);
const threads = Number(opts.threads);
const log = (line: string) => console.error(line);
const pkg = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const date = new Date().toISOString();
const file = opts.out ?? pkg(`bench/results/spec-${date.slice(0, 10)}.json`);
const uptimeBefore = execSync("uptime").toString().trim();
log(`uptime before: ${uptimeBefore}`);

const rows: SpecRow[] = [];
const descriptions: Record<string, string> = {};
async function save(complete: boolean): Promise<void> {
  const summaries = summarize(rows);
  const out = {
    date,
    options: { ...opts, ks, streams: streamsList, rounds, threads },
    cpus: execSync("nproc").toString().trim(),
    uptime: { before: uptimeBefore, after: execSync("uptime").toString().trim() },
    complete,
    cases: descriptions,
    summaries,
    table: markdownTable(summaries),
    runs: rows.map(({ records, ...r }) => ({
      ...r,
      records: records.map(({ run: { outputs: _, ...run }, ...x }) => ({ ...x, run })),
    })),
  };
  await mkdir(pkg("bench/results"), { recursive: true });
  await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
}

const same = (a: number[][], b: number[][]) => JSON.stringify(a) === JSON.stringify(b);
let mismatches = 0;
for (const device of list(opts.devices)) {
  for (const id of list(device === "webgpu" ? opts.webgpuCases : opts.cases)) {
    const c = await makeCase(id, pkg(".bench-tmp"));
    descriptions[id] = c.description;
    log(`${device} ${id}: ${c.description}`);
    const maxStreams = Math.max(...streamsList);
    // The same prompts at every stream count: one at a time for 1 stream, all together for 8.
    const prompts = c.prompts(maxStreams);
    const gen = Number(device === "webgpu" ? opts.webgpuGen : c.large ? opts.genLarge : opts.gen);
    const caseRounds = Number(device === "webgpu" ? opts.webgpuRounds : c.large ? opts.roundsLarge : rounds);
    const single = c.large ? Number(opts.singleLarge) : prompts.length;
    const runners: SpecRunner[] = [];
    try {
      for (const contender of contenders(c, ks)) {
        runners.push(await specRunner(contender, c.model, device, threads, maxStreams, c.maxTokens));
      }
      for (const r of runners) await r.run(c.prompts(2), 2, 8); // warm-up: JIT, pipelines, first touch
      for (const streams of streamsList) {
        const group = runners.map((r) => ({
          case: id,
          device,
          streams,
          contender: r.label,
          records: [] as SpecRow["records"][number][],
          identical: true,
        }));
        for (let round = 0; round < caseRounds; round++) {
          // Each round starts one contender later, so none always runs right after another.
          for (let j = 0; j < runners.length; j++) {
            const i = (round + j) % runners.length;
            const r = runners[i] as SpecRunner;
            const loadAverage = Number((loadavg()[0] ?? 0).toFixed(2));
            const run = await r.run(streams === 1 ? prompts.slice(0, single) : prompts, streams, gen);
            (group[i] as (typeof group)[number]).records.push({ round, loadAverage, run });
            const acc =
              run.numDraftTokens > 0
                ? ` acceptance ${((100 * run.numAcceptedTokens) / run.numDraftTokens).toFixed(0)} %`
                : "";
            log(
              `  ${streams} stream(s) round ${round + 1}/${caseRounds} ${r.label}: ${run.tokPerS.toFixed(1)} tok/s ` +
                `(${run.numTokens} tokens in ${run.seconds.toFixed(2)} s${acc}, load ${loadAverage}; ${profileLine(run.profile)})`,
            );
          }
          const off = group[0]?.records[round]?.run.outputs;
          for (const row of group.slice(1)) {
            if (same(row.records[round]?.run.outputs ?? [], off ?? [])) continue;
            row.identical = false;
            mismatches++;
            log(`  GREEDY OUTPUTS DIFFER: ${row.contender} vs off, round ${round + 1}`);
          }
        }
        rows.push(...group);
        await save(false);
      }
    } finally {
      for (const r of runners) await r.close();
    }
  }
}
await save(true);
console.log(markdownTable(summarize(rows)));
log(`uptime after: ${execSync("uptime").toString().trim()}`);
log(`results: ${file}`);
if (mismatches > 0) {
  log(`${mismatches} run(s) gave greedy outputs different from speculation off`);
  process.exitCode = 1;
}
