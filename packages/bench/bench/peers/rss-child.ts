// One system in a process of its own, so its peak resident memory is its own: loads `--model`,
// runs one decode scenario and prints {"maxRssMiB", "tokPerS"} as the last line of stdout.
// Spawned by rss.ts; not meant to be run by hand.

import { Command } from "commander";
import { llamaCppRunner, loadLlamaCpp } from "./llama-cpp.js";
import { pagodaRunner } from "./pagoda.js";
import { promptIds, type Scenario } from "./scenarios.js";

const o = new Command()
  .requiredOption("--system <name>", "pagoda or llama.cpp")
  .requiredOption("--model <path>")
  .option("--device <name>", "Pagoda's device", "cpu")
  .option("--threads <n>", "threads", "2")
  .option("--streams <n>", "concurrent streams", "8")
  .option("--tokens <n>", "tokens per stream", "64")
  .option("--vocab <n>", "vocabulary size (prompt ids are drawn above id 259)", "512")
  .parse()
  .opts<{
    system: string;
    model: string;
    device: string;
    threads: string;
    streams: string;
    tokens: string;
    vocab: string;
  }>();

const threads = Number(o.threads);
const s: Scenario = {
  id: "rss",
  kind: "decode",
  streams: Number(o.streams),
  promptLen: 16,
  genLen: Number(o.tokens),
};
const prompts = promptIds(s, { vocabSize: Number(o.vocab), bosTokenId: 1, firstId: 259 }, 7);
const llama = o.system === "llama.cpp" ? await loadLlamaCpp(threads) : null;
const runner = llama
  ? await llamaCppRunner(llama, o.model, threads)
  : await pagodaRunner(o.model, o.device, threads, {
      maxStreams: s.streams,
      maxTokensPerStream: s.promptLen + s.genLen,
      maxPrompt: s.promptLen,
    });
const result = await runner.run(s, prompts);
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
await runner.close();
await llama?.dispose();
console.log(JSON.stringify({ maxRssMiB, tokPerS: result.tokPerS }));
process.exit(0);
