import { greedyParams } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import type { ModelShape } from "../model/shape.js";
import { randomWeights, seededUniform } from "../testing/random-model.js";
import { type DriverRequest, type DriverResult, runToCompletion } from "../testing/step-driver.js";
import { CpuExecutor } from "./cpu-executor.js";

const shape: ModelShape = {
  hiddenSize: 32,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 8,
  intermediateSize: 48,
  vocabSize: 97,
  ropeTheta: 10000,
  ropeScaling: {
    type: "llama3",
    factor: 8,
    lowFreqFactor: 1,
    highFreqFactor: 4,
    originalMaxPositionEmbeddings: 16,
  },
  rmsNormEps: 1e-6,
};

/** Requests with prompts of awkward lengths and block tables drawn shuffled from the pool. */
function makeRequests(blockSize: number, numBlocks: number): DriverRequest[] {
  const rand = seededUniform(7, 1);
  const free = Array.from({ length: numBlocks - 1 }, (_, i) => i + 1).sort(() => rand());
  const lengths = [1, 5, 17, 33];
  return lengths.map((len, i) => {
    const prompt = Array.from({ length: len }, (_, j) => (i * 31 + j * 7) % shape.vocabSize);
    const need = Math.ceil((len + 12) / blockSize);
    return { id: `r${i}`, prompt, params: greedyParams(12), blockIds: free.splice(0, need) };
  });
}

describe("CpuExecutor", () => {
  for (const blockSize of [8, 16, 32]) {
    it(`greedy output does not depend on batching or chunking (block size ${blockSize})`, async () => {
      const variants = await Promise.all(
        [
          { chunk: 1000, together: false },
          { chunk: 1000, together: true },
          { chunk: 3, together: true },
        ].map(async ({ chunk, together }) => {
          const reqs = makeRequests(blockSize, 64);
          const weights = randomWeights(shape, 1, { bias: true, qkNorm: true });
          const exec = () => new CpuExecutor(shape, weights, { numBlocks: 64, blockSize });
          if (together) return runToCompletion(exec(), reqs, chunk);
          const merged = new Map<string, DriverResult>();
          for (const r of reqs)
            for (const [k, v] of await runToCompletion(exec(), [r], chunk)) merged.set(k, v);
          return merged;
        }),
      );
      const [alone, batched, chunked] = variants;
      expect(batched).toEqual(alone);
      expect(chunked).toEqual(alone);
      for (const r of alone?.values() ?? []) expect(r.tokens).toHaveLength(12);
    });
  }

  it("rejects a step that schedules more tokens than a request has", async () => {
    const weights = randomWeights(shape, 2);
    const exec = new CpuExecutor(shape, weights, { numBlocks: 8, blockSize: 8 });
    const req = { id: "x", prompt: [1, 2, 3], params: greedyParams(1), blockIds: [1] };
    await expect(
      exec.execute({
        step: 0,
        scheduledNewReqs: [
          {
            requestId: req.id,
            tokenIds: req.prompt,
            numPromptTokens: 3,
            samplingParams: req.params,
            blockIds: req.blockIds,
            numComputedTokens: 0,
          },
        ],
        scheduledCachedReqs: [],
        numScheduledTokens: { x: 5 },
        totalNumScheduledTokens: 5,
        finishedReqIds: [],
        preemptedReqIds: [],
        blockCopies: [],
        swapOut: [],
        swapIn: [],
      }),
    ).rejects.toMatchObject({ code: "executor.bad_step" });
  });
});
