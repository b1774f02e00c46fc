// Pagoda against llama.cpp on the same weights: stories260K (F32) and a SmolLM2-135M-shaped
// random model (F16), each also written as F32 and F16 GGUFs for llama.cpp (node-llama-cpp's
// prebuilt CPU binary). Same seeded prompt ids for both, greedy, EOS ignored, both on --threads
// threads. Rows: single-stream decode, 8 and 32 concurrent streams, a 512-token prefill.
// Systems alternate within each round; medians and ratios go to a markdown table and JSON.
// Run: pnpm --filter @pagoda/bench bench:peers [--device cpu] [--rounds 3] [--models stories260K,smollm2] [--quick]

import { execSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { llamaCppRunner, loadLlamaCpp } from "./peers/llama-cpp.js";
import { prepareModel } from "./peers/models.js";
import { pagodaRunner } from "./peers/pagoda.js";
import {
  describeGreedy,
  type GreedyMatch,
  greedyMatches,
  markdownTable,
  medians,
  type PeerRow,
} from "./peers/report.js";
import { type PeersResults, writeResults } from "./peers/results-file.js";
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
});
const llama = await loadLlamaCpp(threads);
for (const id of opts.models.split(",").filter(Boolean)) {
  log(`${id}: preparing`);
  const model = await prepareModel(id, pkg(".bench-tmp"));
  const list = scenarios(opts.quick, model.contextLength);
  const pagoda = await pagodaRunner(model.dir, opts.device, threads, {
    maxStreams: Math.max(...list.map((s) => s.streams)),
    maxTokensPerStream: Math.max(...list.map((s) => s.promptLen + s.genLen)),
    maxPrompt: Math.max(...list.map((s) => s.promptLen)),
  });
  const peers = await Promise.all(
    model.ggufs.map(async (g) => {
      const runner = await llamaCppRunner(llama, g.path, threads);
      return { ...runner, name: `llama.cpp ${g.type.toUpperCase()}` };
    }),
  );
  const all = (skip: boolean): Contender[] => [
    { runner: pagoda, skip },
    ...peers.map((runner) => ({ runner, skip: false })),
  ];
  await warmUp(all(false), model.vocab);
  for (const [i, s] of list.entries()) {
    const skip = skips.has("*") || skips.has(s.id) || skips.has(`${id}/${s.id}`);
    const records = await runRounds(s, all(skip), rounds, promptIds(s, model.vocab, seed + i), log);
    const systems = all(skip).map((c) => c.runner.name);
    rows.push({ model: id, scenario: s, medians: medians(systems, records), records });
    if (s.id === "decode-1" && !skip) {
      greedy.push(
        ...greedyMatches(
          id,
          records,
          pagoda.name,
          peers.map((p) => p.name),
        ),
      );
    }
    await writeResults(file, results());
  }
  await pagoda.close();
  for (const p of peers) await p.close();
}
await llama.dispose();

const pagodaName =
  rows[0]?.records.find((r) => r.system.startsWith("pagoda"))?.system ?? `pagoda (${opts.device})`;
const table = markdownTable(rows, pagodaName, ["llama.cpp F32", "llama.cpp F16"]);
const after = execSync("uptime").toString().trim();
console.log(`\n${table}\n`);
for (const g of greedy) console.log(describeGreedy(g, pagodaName));
console.log(`\nuptime before: ${uptime}\nuptime after:  ${after}`);
await writeResults(file, { ...results(), uptime: { before: uptime, after }, complete: true, table });
log(`wrote ${file}`);
