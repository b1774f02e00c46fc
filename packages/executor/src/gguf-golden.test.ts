import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel, loadModelWeights } from "@pagoda/model-loaders";
import { writeGguf } from "@pagoda/model-loaders/node";
import { type Executor, greedyParams } from "@pagoda/scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CpuExecutor } from "./cpu/cpu-executor.js";
import { readWeightsF32 } from "./model/read-weights.js";
import { GOLDEN_MAX_TOTAL_TOKENS, GOLDEN_STOP_TOKEN, goldenCases, stories260KDir } from "./testing/golden.js";
import { runToCompletion } from "./testing/step-driver.js";
import { createWasmExecutor } from "./wasm/create-wasm-executor.js";

// stories260K converted to GGUF by writeGguf (q/k rows permuted for llama.cpp) and read back by
// loadModel: the reader must undo the permutation exactly, so greedy outputs equal the golden ones.
const BLOCK = 16;
const cases = goldenCases().slice(0, 3);
const blocksPer = Math.ceil(GOLDEN_MAX_TOTAL_TOKENS / BLOCK);
const numBlocks = 1 + cases.length * blocksPer;

async function greedy(executor: Executor): Promise<number[][]> {
  const requests = cases.map((c, i) => ({
    id: `g${i}`,
    prompt: c.promptIds,
    params: {
      ...greedyParams(GOLDEN_MAX_TOTAL_TOKENS - c.promptIds.length),
      stopTokenIds: [GOLDEN_STOP_TOKEN],
    },
    blockIds: Array.from({ length: blocksPer }, (_, b) => 1 + i * blocksPer + b),
  }));
  const results = await runToCompletion(executor, requests, 64);
  return requests.map((r) => results.get(r.id)?.tokens ?? []);
}

describe("a stories260K GGUF (writeGguf F32) on the executors", { timeout: 300_000 }, () => {
  let dir = "";
  let path = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pagoda-gguf-"));
    path = join(dir, "stories260K-f32.gguf");
    await writeGguf(stories260KDir(), path, { type: "f32" });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("tokenizes the golden prompts as the folder does", async () => {
    const model = await loadModel(path);
    try {
      for (const c of goldenCases()) expect(model.tokenizer.encode(c.prompt)).toEqual(c.promptIds);
    } finally {
      await model.close();
    }
  });

  it("the reference executor reproduces the golden greedy ids", async () => {
    const model = await loadModelWeights(path);
    const weights = await readWeightsF32(model.weights);
    await model.close();
    const executor = new CpuExecutor(model.config, weights, { blockSize: BLOCK, numBlocks });
    expect(await greedy(executor)).toEqual(cases.map((c) => c.completionIds));
  });

  it("the WASM executor reproduces the golden greedy ids", async () => {
    const model = await loadModelWeights(path);
    const executor = await createWasmExecutor({
      model,
      blockSize: BLOCK,
      numBlocks,
      maxNumBatchedTokens: 512,
      maxNumSeqs: 8,
      threads: 1,
    });
    await model.close();
    expect(await greedy(executor)).toEqual(cases.map((c) => c.completionIds));
  });
});
