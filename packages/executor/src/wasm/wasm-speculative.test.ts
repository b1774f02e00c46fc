import { loadModelWeights, quantizeWeights } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import {
  firstStepWithDrafts,
  SPEC_MODELS,
  SPEC_REQUEST_BLOCKS,
  specGreedyScenario,
  specRequests,
  useSpecModels,
} from "../testing/spec-scenarios.js";
import { createWasmExecutor } from "./create-wasm-executor.js";
import type { WasmWeightDtype } from "./wasm-weights.js";

const BLOCK_SIZE = 8;

describe("WasmExecutor: greedy speculative decoding (random checkpoints)", { timeout: 120_000 }, () => {
  const modelDir = useSpecModels("pagoda-spec-wasm-");

  async function executorFor(family: string, weightDtype: WasmWeightDtype, numSpeculativeTokens: number) {
    const model = await loadModelWeights(modelDir(family));
    const executor = await createWasmExecutor({
      model,
      blockSize: BLOCK_SIZE,
      numBlocks: SPEC_REQUEST_BLOCKS(BLOCK_SIZE),
      maxNumBatchedTokens: 128,
      maxNumSeqs: 8,
      weightDtype,
      threads: 2,
      parallelMinWork: 0,
      numSpeculativeTokens,
    });
    await model.close();
    return executor;
  }

  // F32 and F16 weights: the 1-3 row GEMV and the GEMM give the same bits, so the drafts' batched
  // pass reproduces the one-token passes exactly.
  for (const m of SPEC_MODELS) {
    for (const weightDtype of ["f32", "f16"] as const) {
      it(`${m.family} (${weightDtype}): drafts right, wrong at one position or random give the same tokens as none`, async () => {
        await specGreedyScenario(
          (k) => executorFor(m.family, weightDtype, k),
          specRequests(m.shapes.vocabSize, BLOCK_SIZE, 4),
          { vocab: m.shapes.vocabSize, chunk: 6, k: 3, tolerance: 1e-9 },
        );
      });
    }
  }

  // Quantized weights: the GEMV (1-3 rows) and the GEMM (more) sum the integer block dots in a
  // different order (kernels-wasm README, "Bits"), so a decode step's logits depend on how many
  // rows the step has, drafts or not: measured |Δ logprob| ≤ 3.3e-7 here, the same greedy ids.
  for (const quant of ["q8_0", "q4_k"] as const) {
    it(`llama (${quant}): the same greedy tokens with drafts, log-probabilities within 1e-5`, async () => {
      const m = SPEC_MODELS[0] as (typeof SPEC_MODELS)[number];
      const model = await loadModelWeights(modelDir(m.family));
      const weights = quantizeWeights(model.weights, model.config, quant);
      try {
        await specGreedyScenario(
          (numSpeculativeTokens) =>
            createWasmExecutor({
              model: { config: model.config, weights },
              blockSize: BLOCK_SIZE,
              numBlocks: SPEC_REQUEST_BLOCKS(BLOCK_SIZE),
              maxNumBatchedTokens: 128,
              maxNumSeqs: 8,
              threads: 2,
              numSpeculativeTokens,
            }),
          specRequests(m.shapes.vocabSize, BLOCK_SIZE, 4),
          { vocab: m.shapes.vocabSize, chunk: 6, k: 3, tolerance: 1e-5 },
        );
      } finally {
        await model.close();
      }
    });
  }

  it("refuses a step with more drafts than numSpeculativeTokens, naming the count", async () => {
    const executor = await executorFor("llama", "f32", 2);
    const step = firstStepWithDrafts([1, 2, 3]);
    await expect(executor.execute(step)).rejects.toMatchObject({
      code: "executor.too_many_drafts",
      message: expect.stringMatching(/3 draft tokens, over the executor's numSpeculativeTokens of 2/),
    });
    await executor.close();
  });
});
