// Pagoda against llama.cpp on the same weights: stories260K (F32) and a SmolLM2-135M-shaped
// random model (F16), each also written as F32 and F16 GGUFs for llama.cpp (node-llama-cpp's
// prebuilt CPU binary). Same seeded prompt ids for both, greedy, EOS ignored, both on --threads
// threads. Rows: single-stream decode, 8 and 32 concurrent streams, a 512-token prefill.
// Systems alternate within each round; medians and ratios go to a markdown table and JSON.
// Run: pnpm --filter @pagoda/bench bench:peers [--device cpu] [--rounds 3] [--models stories260K,smollm2] [--quick]

import { execSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { llamaCppRunner, loadLlamaCpp } from "./peers/llama-cpp.js";
import { prepareModel } from "./peers/models.js";
import { pagodaRunner } from "./peers/pagoda.js";
import { firstDivergence, markdownTable, medians, type PeerRow } from "./peers/report.js";
import { type Contender, runRounds, warmUp } from "./peers/rounds.js";
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
  .parse()
  .opts<{
    device: string;
    rounds: string;
    models: string;
    quick: boolean;
    threads: string;
    skipPagoda: string;
    seed: string;
  }>();

const pkg = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const rounds = Number(opts.rounds);
const threads = Number(opts.threads);
const seed = Number(opts.seed);
const skips = new Set(opts.skipPagoda.split(",").filter(Boolean));
const log = (line: string) => console.error(line);
const uptime = execSync("uptime").toString().trim();
log(`uptime before: ${uptime}`);

const rows: PeerRow[] = [];
const greedy: { model: string; versus: string; length: number; firstDivergence: number }[] = [];
const llama = await loadLlamaCpp(threads);
for (const id of opts.models.split(",").filter(Boolean)) {
  log(`${id}: preparing`);
  const model = await prepareModel(id, pkg(".bench-tmp"));
  const list = scenarios(opts.quick, model.contextLength);
  const maxPrompt = Math.max(...list.map((s) => s.promptLen));
  const pagoda = await pagodaRunner(model.dir, opts.device, threads, {
    maxStreams: Math.max(...list.map((s) => s.streams)),
    maxTokensPerStream: Math.max(...list.map((s) => s.promptLen + s.genLen)),
    maxPrompt,
  });
  const peers = await Promise.all(
    model.ggufs.map(async (g) => {
      const runner = await llamaCppRunner(llama, g.path, threads);
      return { ...runner, name: `llama.cpp ${g.type.toUpperCase()}` };
    }),
  );
  await warmUp(
    [{ runner: pagoda, skip: false }, ...peers.map((runner) => ({ runner, skip: false }))],
    model.vocab,
  );
  for (const [i, s] of list.entries()) {
    const skip = skips.has("*") || skips.has(s.id) || skips.has(`${id}/${s.id}`);
    const contenders: Contender[] = [
      { runner: pagoda, skip },
      ...peers.map((runner) => ({ runner, skip: false })),
    ];
    const records = await runRounds(s, contenders, rounds, promptIds(s, model.vocab, seed + i), log);
    const systems = contenders.map((c) => c.runner.name);
    rows.push({ model: id, scenario: s, medians: medians(systems, records), records });
    if (s.id === "decode-1" && !skip) {
      const mine = records.find((r) => r.system === pagoda.name)?.result.outputs[0] ?? [];
      for (const p of peers) {
        const theirs = records.find((r) => r.system === p.name)?.result.outputs[0] ?? [];
        greedy.push({
          model: id,
          versus: p.name,
          length: mine.length,
          firstDivergence: firstDivergence(mine, theirs),
        });
      }
    }
  }
  await pagoda.close();
  for (const p of peers) await p.close();
}
await llama.dispose();

const pagodaName =
  rows[0]?.records.find((r) => r.system.startsWith("pagoda"))?.system ?? `pagoda (${opts.device})`;
const peerNames = ["llama.cpp F32", "llama.cpp F16"];
const table = markdownTable(rows, pagodaName, peerNames);
const uptimeAfter = execSync("uptime").toString().trim();
console.log(`\n${table}\n`);
for (const g of greedy) {
  const same =
    g.firstDivergence === g.length ? "identical" : `first difference at token ${g.firstDivergence}`;
  console.log(`greedy ${g.model} decode-1, ${pagodaName} vs ${g.versus}: ${g.length} tokens, ${same}`);
}
console.log(`\nuptime before: ${uptime}\nuptime after:  ${uptimeAfter}`);

const out = {
  date: new Date().toISOString(),
  options: { ...opts, rounds, threads, seed },
  uptime: { before: uptime, after: uptimeAfter },
  load_average_end: loadavg(),
  rows: rows.map((r) => ({
    model: r.model,
    scenario: r.scenario,
    medians: r.medians,
    runs: r.records.map(({ result: { outputs: _, ...result }, ...rec }) => ({ ...rec, result })),
  })),
  greedy,
  table,
};
await mkdir(pkg("bench-out"), { recursive: true });
const file = pkg(`bench-out/peers-${out.date.replaceAll(":", "-")}.json`);
await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
log(`wrote ${file}`);
