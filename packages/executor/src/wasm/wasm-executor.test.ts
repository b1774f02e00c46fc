import { type LoadedWeights, loadModelWeights } from "@pagoda/model-loaders";
import { greedyParams } from "@pagoda/scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { badStepsScenario, forkAndSwapScenario } from "../testing/executor-scenarios.js";
import { stories260KDir } from "../testing/golden.js";
import { makeStep } from "../testing/twin.js";
import { createWasmExecutor, type WasmExecutorOptions } from "./create-wasm-executor.js";

describe("WasmExecutor (stories260K)", { timeout: 60_000 }, () => {
  let model: LoadedWeights;
  beforeAll(async () => {
    model = await loadModelWeights(stories260KDir());
  });
  afterAll(async () => {
    await model.close();
  });

  const make = (o: Partial<WasmExecutorOptions> = {}) =>
    createWasmExecutor({
      model,
      blockSize: 8,
      numBlocks: 64,
      maxNumBatchedTokens: 128,
      maxNumSeqs: 8,
      threads: 2,
      parallelMinWork: 0,
      ...o,
    });

  it.each([1, 2])(
    "runs copy-on-write forks and swap-out / swap-in like the CPU reference (%i threads)",
    async (threads) => {
      const cpu = new CpuExecutor(model.config, await readWeightsF32(model.weights), {
        blockSize: 8,
        numBlocks: 64,
        numSwapBlocks: 4,
      });
      const candidate = await make({ numSwapBlocks: 4, threads });
      await forkAndSwapScenario(cpu, candidate);
      await candidate.close();
    },
  );

  it("refuses bad steps with a code naming the problem", async () => {
    await badStepsScenario(await make({ maxNumBatchedTokens: 16 }));
  });

  it("runs a step in which no sequence samples (a prefill chunk short of the prompt's end)", async () => {
    const exec = await make();
    const tokenIds = [1, 403, 407, 261, 378];
    const first = await exec.execute(
      makeStep({
        scheduledNewReqs: [
          {
            requestId: "a",
            tokenIds,
            numPromptTokens: 5,
            samplingParams: greedyParams(4),
            blockIds: [3],
            numComputedTokens: 0,
          },
        ],
        numScheduledTokens: { a: 3 },
      }),
    );
    expect(first.sampledTokenIds).toEqual({ a: [] });
    const second = await exec.execute(
      makeStep({
        scheduledCachedReqs: [{ requestId: "a", newBlockIds: [], numComputedTokens: 3 }],
        numScheduledTokens: { a: 2 },
      }),
    );
    expect(second.sampledTokenIds).toEqual({ a: [432] }); // the golden continuation's first token
    await exec.close();
  });

  it("sizes the cache from kvCacheBytes with the memory planner and reports loading progress", async () => {
    const seen: Array<[number, number]> = [];
    const exec = await make({
      numBlocks: undefined,
      kvCacheBytes: 1 << 20,
      onProgress: (a, b) => seen.push([a, b]),
    });
    // 5 layers · 2 · 4 kv heads · 8 tokens · 8 dims · 4 bytes = 10,240 bytes a block.
    expect(exec.sizes.numBlocks).toBe(Math.floor((1 << 20) / 10_240));
    const [loaded, total] = seen.at(-1) ?? [0, 1];
    expect(loaded).toBe(total);
    expect(total).toBeGreaterThan(900_000);
    await exec.close();
  });
});
