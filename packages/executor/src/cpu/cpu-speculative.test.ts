import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModelWeights, writeRandomModel } from "@pagoda/model-loaders";
import { afterAll, beforeAll, describe, it } from "vitest";
import { readWeightsF32 } from "../model/read-weights.js";
import {
  SPEC_MODELS,
  SPEC_REQUEST_BLOCKS,
  specGreedyScenario,
  specRequests,
} from "../testing/spec-scenarios.js";
import { CpuExecutor } from "./cpu-executor.js";

describe("CpuExecutor: greedy speculative decoding (random checkpoints)", { timeout: 120_000 }, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pagoda-spec-cpu-"));
    for (const [i, m] of SPEC_MODELS.entries())
      await writeRandomModel(join(dir, m.family), m.family, m.shapes, { seed: 31 + i });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const m of SPEC_MODELS) {
    it(`${m.family}: drafts right, wrong at one position or random give the same tokens as none`, async () => {
      const model = await loadModelWeights(join(dir, m.family));
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
});
