import { loadModelWeights } from "@pagoda/model-loaders";
import { describe } from "vitest";
import { readWeightsF32 } from "../model/read-weights.js";
import { stories260KDir } from "../testing/golden.js";
import { goldenSuite } from "../testing/golden-suite.js";
import { CpuExecutor } from "./cpu-executor.js";

describe("CpuExecutor on stories260K (golden greedy outputs)", () => {
  goldenSuite(
    async ({ blockSize, numBlocks, numSpeculativeTokens }) => {
      const model = await loadModelWeights(stories260KDir());
      const weights = await readWeightsF32(model.weights);
      await model.close();
      return new CpuExecutor(model.config, weights, { blockSize, numBlocks, numSpeculativeTokens });
    },
    { speculative: true },
  );
});
