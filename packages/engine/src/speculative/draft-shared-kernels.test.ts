import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WasmExecutor } from "@pagoda/executor";
import { writeRandomModel } from "@pagoda/model-loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../offline/create-engine.js";
import { storiesDir } from "../testing/stories.js";
import { DraftModelProposer } from "./draft-model-proposer.js";

describe("a draft model on the cpu device runs on the target's kernels", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pagoda-draft-kernels-"));
    const shapes = { hiddenSize: 96, numLayers: 3, numHeads: 6, numKvHeads: 2, intermediateSize: 192 };
    await writeRandomModel(
      dir,
      "llama",
      { ...shapes, vocabSize: 512, maxPositionEmbeddings: 512, bosTokenId: 1, eosTokenIds: [2] },
      { seed: 9, tokenizerFrom: storiesDir() },
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([1, 2])(
    "one thread pool and memory for both models (%i threads); greedy outputs as without a draft",
    async (threads) => {
      const prompts = ["Once upon a time, Tom had a cat.", "The dog ran"];
      const params = { temperature: 0, max_tokens: 40, ignore_eos: true };
      const plain = await createEngine({ model: dir, device: "cpu", threads });
      const expected = await plain.generate(prompts, params);
      await plain.close();
      const llm = await createEngine({
        model: dir,
        device: "cpu",
        threads,
        speculative: { method: "draft", model: storiesDir(), numSpeculativeTokens: 4 },
      });
      const target = llm.parts.executor;
      const proposer = llm.proposer;
      expect(target).toBeInstanceOf(WasmExecutor);
      expect(proposer).toBeInstanceOf(DraftModelProposer);
      const draft = (proposer as DraftModelProposer).executor;
      expect(draft).toBeInstanceOf(WasmExecutor);
      expect((draft as WasmExecutor).kernels).toBe((target as WasmExecutor).kernels);
      expect((draft as WasmExecutor).threads).toBe(threads);
      const got = await llm.generate(prompts, params);
      expect(got.map((r) => r.tokenIds)).toEqual(expected.map((r) => r.tokenIds));
      expect(llm.parts.scheduler.stats().numDraftTokens).toBeGreaterThan(0);
      await llm.close();
    },
    120_000,
  );
});
