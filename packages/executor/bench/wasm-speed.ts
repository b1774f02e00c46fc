// The WebAssembly CPU executor's speed, executor only (no engine, scheduler or tokenizer):
// decode tok/s with 1, 8 and 32 sequences decoding together and a 512-token prefill, on
// stories260K (F32) and on a random model of SmolLM2-135M's shape (F16), at each thread count.
//
//   pnpm --filter @pagoda/executor bench:wasm [-- --threads 1,2] [--models stories,smollm2] [--steps 32]
//
// The step split (prepare / forward / sample) shows where a step's time goes. The machine's load
// average is printed first: other processes on the same cores slow everything.
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import {
  type LoadedWeights,
  loadModelWeights,
  SMOLLM2_135M_SHAPE,
  writeRandomModel,
} from "@pagoda/model-loaders";
import { greedyParams } from "@pagoda/scheduler";
import { goldenCases, stories260KDir } from "../src/testing/golden.js";
import { createWasmExecutor } from "../src/wasm/create-wasm-executor.js";
import type { WasmExecutor, WasmStepTimings } from "../src/wasm/wasm-executor.js";
import { blocksFor, type DecodePlan, runDecode } from "./decode-run.js";

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const threadList = option("--threads", String(cpus().length)).split(",").map(Number);
const models = option("--models", "stories,smollm2").split(",");
const steps = Number(option("--steps", "32"));
const seqList = option("--seqs", "1,8,32").split(",").map(Number);
const blockSize = 16;

async function smollm2(): Promise<string> {
  const dir = join(import.meta.dirname, "..", ".bench-tmp", "smollm2-135m-f16");
  if (!existsSync(join(dir, "config.json"))) {
    await writeRandomModel(dir, "llama", SMOLLM2_135M_SHAPE, { dtype: "F16", seed: 135 });
  }
  return dir;
}

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, ${cpus().length} × ${cpus()[0]?.model}`,
);
for (const name of models) {
  const model = await loadModelWeights(name === "stories" ? stories260KDir() : await smollm2());
  const vocab = model.config.vocabSize;
  const prompts =
    name === "stories"
      ? goldenCases().map((c) => c.promptIds)
      : Array.from({ length: 8 }, (_, i) =>
          Array.from({ length: 16 }, (_, j) => (i * 977 + j * 131) % vocab),
        );
  for (const threads of threadList) {
    for (const seqs of seqList) {
      const plan: DecodePlan = { seqs, warmup: 2, steps, blockSize, prompts };
      const exec = await build(model, threads, blocksFor(plan), 16 * seqs, seqs);
      const split: WasmStepTimings = { prepareMs: 0, forwardMs: 0, sampleMs: 0 };
      const seconds = await runDecode(exec, plan, () => {
        for (const k of Object.keys(split) as (keyof WasmStepTimings)[])
          split[k] += exec.lastStepTimings[k] / steps;
      });
      await exec.close();
      const ms = (n: number) => n.toFixed(2);
      console.log(
        `${name} ${threads}T decode ${String(seqs).padStart(3)} seqs: ${((seqs * steps) / seconds).toFixed(1).padStart(8)} tok/s | prepare ${ms(split.prepareMs)} ms, forward ${ms(split.forwardMs)} ms, sample ${ms(split.sampleMs)} ms`,
      );
    }
    const prefillLen = 512;
    const exec = await build(model, threads, 1 + Math.ceil((prefillLen + 1) / blockSize), prefillLen, 1);
    const tokenIds = Array.from({ length: prefillLen }, (_, i) => (i * 7919 + 13) % vocab);
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      await exec.execute({
        step: round,
        scheduledNewReqs: [
          {
            requestId: `p${round}`,
            tokenIds,
            numPromptTokens: prefillLen,
            samplingParams: greedyParams(1),
            blockIds: Array.from({ length: Math.ceil(prefillLen / blockSize) }, (_, b) => b + 1),
            numComputedTokens: 0,
          },
        ],
        scheduledCachedReqs: [],
        numScheduledTokens: { [`p${round}`]: prefillLen },
        totalNumScheduledTokens: prefillLen,
        finishedReqIds: round > 0 ? [`p${round - 1}`] : [],
        preemptedReqIds: [],
        blockCopies: [],
        swapOut: [],
        swapIn: [],
      });
      times.push(performance.now() - t0);
    }
    await exec.close();
    const best = Math.min(...times);
    console.log(
      `${name} ${threads}T prefill ${prefillLen}: ${((prefillLen * 1000) / best).toFixed(1)} tok/s (${best.toFixed(0)} ms)`,
    );
  }
  await model.close();
}

function build(
  model: LoadedWeights,
  threads: number,
  numBlocks: number,
  maxTokens: number,
  maxSeqs: number,
): Promise<WasmExecutor> {
  return createWasmExecutor({
    model,
    blockSize,
    numBlocks,
    maxNumBatchedTokens: maxTokens,
    maxNumSeqs: maxSeqs,
    threads,
  });
}
