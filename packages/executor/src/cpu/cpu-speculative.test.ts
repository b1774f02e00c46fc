import { loadModelWeights } from "@pagoda/model-loaders";
import { greedyParams } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { readWeightsF32 } from "../model/read-weights.js";
import {
  firstStepWithDrafts,
  SPEC_MODELS,
  SPEC_REQUEST_BLOCKS,
  specGreedyScenario,
  specRequests,
  truthProposer,
  useSpecModels,
} from "../testing/spec-scenarios.js";
import { runToCompletion } from "../testing/step-driver.js";
import { CpuExecutor } from "./cpu-executor.js";

describe("CpuExecutor: greedy speculative decoding (random checkpoints)", { timeout: 120_000 }, () => {
  const modelDir = useSpecModels("pagoda-spec-cpu-");

  for (const m of SPEC_MODELS) {
    it(`${m.family}: drafts right, wrong at one position or random give the same tokens as none`, async () => {
      const model = await loadModelWeights(modelDir(m.family));
      const weights = await readWeightsF32(model.weights);
      await model.close();
      const blockSize = 8;
      const numBlocks = SPEC_REQUEST_BLOCKS(blockSize);
      await specGreedyScenario(
        async (numSpeculativeTokens) =>
          new CpuExecutor(model.config, weights, { blockSize, numBlocks, numSpeculativeTokens }),
        specRequests(m.shapes.vocabSize, blockSize, 4),
        { vocab: m.shapes.vocabSize, chunk: 6, k: 3, tolerance: 1e-9 },
      );
    });
  }

  it("seeded sampling with drafts is reproducible, one logprobs entry per token", async () => {
    const m = SPEC_MODELS[0] as (typeof SPEC_MODELS)[number];
    const model = await loadModelWeights(modelDir(m.family));
    const weights = await readWeightsF32(model.weights);
    await model.close();
    const blockSize = 8;
    const sampling = {
      temperature: 0.9,
      topP: 0.95,
      repetitionPenalty: 1.2,
      seed: 7,
      logprobs: 1,
    };
    const requests = specRequests(m.shapes.vocabSize, blockSize, 6).map((r) => ({
      ...r,
      params: { ...greedyParams(r.params.maxTokens), ...sampling },
    }));
    const make = () =>
      new CpuExecutor(model.config, weights, {
        blockSize,
        numBlocks: SPEC_REQUEST_BLOCKS(blockSize),
        numSpeculativeTokens: 3,
      });
    const plain = await runToCompletion(make(), requests, 6);
    const truth = new Map(requests.map((r) => [r.id, [...r.prompt, ...(plain.get(r.id)?.tokens ?? [])]]));
    const spoil = { vocab: m.shapes.vocabSize, seed: 5, wrongRate: 0.3 };
    const once = await runToCompletion(make(), requests, 6, undefined, truthProposer(truth, 3, spoil));
    const twice = await runToCompletion(make(), requests, 6, undefined, truthProposer(truth, 3, spoil));
    for (const r of requests) {
      const a = once.get(r.id);
      expect(a?.tokens).toHaveLength(r.params.maxTokens);
      expect(a?.logprobs.map((e) => e.tokenId)).toEqual(a?.tokens);
      expect(twice.get(r.id)).toEqual(a);
    }
  });

  it("refuses a draft outside the vocabulary, naming it", async () => {
    const m = SPEC_MODELS[0] as (typeof SPEC_MODELS)[number];
    const model = await loadModelWeights(modelDir(m.family));
    const weights = await readWeightsF32(model.weights);
    await model.close();
    const executor = new CpuExecutor(model.config, weights, {
      blockSize: 8,
      numBlocks: 4,
      numSpeculativeTokens: 2,
    });
    const step = firstStepWithDrafts([7, m.shapes.vocabSize]);
    await expect(executor.execute(step)).rejects.toMatchObject({
      code: "executor.bad_token",
      message: expect.stringMatching(`draft token id ${m.shapes.vocabSize} is outside the vocabulary`),
    });
  });
});
