import { loadModelWeights } from "@pagoda/model-loaders";
import { describe } from "vitest";
import { stories260KDir } from "../testing/golden.js";
import { goldenSuite } from "../testing/golden-suite.js";
import { createWasmExecutor } from "./create-wasm-executor.js";

describe("WasmExecutor on stories260K (golden greedy outputs, 2 threads)", () => {
  goldenSuite(
    async ({ blockSize, numBlocks, numSpeculativeTokens }) => {
      const model = await loadModelWeights(stories260KDir());
      const executor = await createWasmExecutor({
        model,
        blockSize,
        numBlocks,
        maxNumBatchedTokens: 512,
        maxNumSeqs: 32,
        threads: 2,
        parallelMinWork: 0, // every kernel split over both threads
        numSpeculativeTokens,
      });
      await model.close();
      return executor;
    },
    { speculative: true },
  );
});
