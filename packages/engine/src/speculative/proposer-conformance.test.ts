import { CpuExecutor } from "@pagoda/executor";
import { describe } from "vitest";
import { goldenCases, stories } from "../testing/stories.js";
import { DraftModelProposer } from "./draft-model-proposer.js";
import { NgramProposer } from "./ngram-proposer.js";
import { proposerSuite, type SuiteInputs } from "./testing/proposer-suite.js";

// Stories of the goldens (prompt + greedy completion): real text, with the repeats stories have.
const stories260 = goldenCases().map((c) => [...c.promptIds, ...c.completionIds].slice(0, 120));
const inputs: SuiteInputs = {
  sequences: stories260,
  longSequence: goldenCases()
    .flatMap((c) => c.completionIds)
    .slice(0, 400),
};

describe("NgramProposer conformance", () => {
  proposerSuite(
    async () => ({
      proposer: new NgramProposer({ ngramMin: 1, ngramMax: 3 }),
      vocabSize: 512,
      blocksInUse: () => 0,
    }),
    inputs,
  );
});

describe("DraftModelProposer conformance (stories260K on the reference executor)", () => {
  // Room for the 40-request case (8 blocks each); a full cache is a targeted test.
  const numBlocks = 360;
  proposerSuite(async () => {
    const { model, weights } = await stories();
    const executor = new CpuExecutor(model.config, weights, { numBlocks, blockSize: 16 });
    const proposer = new DraftModelProposer({
      executor,
      numBlocks,
      blockSize: 16,
      // Below the long sequence and the 40-request batch: the catch-up pass is chunked and grouped.
      maxNumBatchedTokens: 128,
      maxNumSeqs: 8,
      maxModelLen: model.config.maxPositionEmbeddings,
    });
    return {
      proposer,
      vocabSize: model.config.vocabSize,
      blocksInUse: () => numBlocks - 1 - proposer.numFreeBlocks,
    };
  }, inputs);
});
