import { isPagodaError } from "@pagoda/errors";
import { CpuExecutor, teacherForce } from "@pagoda/executor";
import { describe, expect, it } from "vitest";
import { generate } from "../offline/generate.js";
import { parseSamplingParams } from "../sampling/index.js";
import { stories, testEngine } from "../testing/stories.js";
import { EngineRequest } from "./engine-request.js";
import type { RequestOutput } from "./types.js";

const PROMPT =
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big red ball under a tree and ran to get it.";

/** log P(prompt[p + 1] | prompt[..p]) and the top-1 at every position, one token per step on the reference. */
async function forced(ids: number[]) {
  const { model, weights } = await stories();
  return teacherForce(
    async (sampler) => new CpuExecutor(model.config, weights, { numBlocks: 16, blockSize: 16, sampler }),
    ids,
    16,
  );
}

describe("prompt_logprobs on stories260K", () => {
  it("equal the log-probabilities of the same tokens forced one by one, through chunked prefill and a cached prefix", async () => {
    const { engine, tokenizer, kvCache } = await testEngine({ maxNumBatchedTokens: 16 });
    const ids = tokenizer.encode(PROMPT);
    // The same prompt first, so its blocks are in the prefix cache: the scored request must not use them.
    await generate(engine, [ids], { temperature: 0, max_tokens: 2 });
    const hits = kvCache.stats().prefixCacheHits;
    const [result] = await generate(engine, [ids], { temperature: 0, max_tokens: 3, prompt_logprobs: 3 });
    expect(kvCache.stats().prefixCacheHits).toBe(hits);
    const want = await forced(ids);
    const got = result?.promptLogprobs ?? [];
    expect(ids.length).toBeGreaterThan(32); // three prefill chunks
    expect(got).toHaveLength(ids.length);
    expect(got[0]).toBeNull();
    for (let p = 1; p < ids.length; p++) {
      const e = got[p];
      expect(e?.tokenId).toBe(ids[p]);
      expect(Math.abs((e?.logprob ?? 0) - (want.logprob[p - 1] as number))).toBeLessThan(1e-4);
      expect(e?.top).toHaveLength(3);
      expect(e?.top[0]?.[0]).toBe(want.top1[p - 1]);
    }
    // Without the field, none.
    const [plain] = await generate(engine, [ids], { temperature: 0, max_tokens: 2 });
    expect(plain?.promptLogprobs).toBeNull();
  });

  it("every sample's first output carries them (n = 3), and a 1-token prompt gets [null]", async () => {
    const { engine, tokenizer } = await testEngine({ maxNumBatchedTokens: 16 });
    const ids = tokenizer.encode(PROMPT).slice(0, 11);
    engine.addRequest("a", ids, { temperature: 1, seed: 3, n: 3, max_tokens: 4, prompt_logprobs: 0 });
    engine.addRequest("b", ids.slice(0, 1), { max_tokens: 2, prompt_logprobs: 2 });
    const outputs: RequestOutput[] = [];
    while (engine.hasUnfinished()) outputs.push(...(await engine.step()));
    const carrying = outputs.filter((o) => o.promptLogprobs !== undefined);
    expect(
      carrying
        .filter((o) => o.requestId === "a")
        .map((o) => o.index)
        .sort(),
    ).toEqual([0, 1, 2]);
    for (const o of carrying.filter((o) => o.requestId === "a")) {
      expect(o.tokenIds.length).toBeGreaterThan(0); // with the sample's first token, not before
      expect(o.promptLogprobs).toHaveLength(11);
      expect(
        o.promptLogprobs?.slice(1).every((e) => e !== null && e.top.length === 0 && (e.rank ?? 0) >= 1),
      ).toBe(true);
    }
    expect(carrying.filter((o) => o.requestId === "b").map((o) => o.promptLogprobs)).toEqual([[null]]);
  });

  it("a negative k or one above max logprobs is refused, naming prompt_logprobs", async () => {
    const { engine } = await testEngine();
    for (const k of [-1, 21, 1.5]) {
      let err: unknown;
      try {
        engine.addRequest(`bad${k}`, "Hi", { prompt_logprobs: k });
      } catch (e) {
        err = e;
      }
      expect(isPagodaError(err) && err.code).toBe("sampling.invalid");
      expect(String((err as Error).message)).toContain("prompt_logprobs");
    }
  });
});

describe("EngineRequest: assembling prompt log-probabilities", () => {
  const entry = (tokenId: number, logprob: number) => ({ tokenId, logprob, rank: 1, top: [] });

  it("takes chunks in any order, keeps a position's first score (a recompute scores it again) and is complete only at the end", () => {
    const parsed = parseSamplingParams({ prompt_logprobs: 0 }, { maxModelLen: 64, numPromptTokens: 5 });
    const r = new EngineRequest("r", [1, 10, 11, 12, 13], parsed);
    r.notePromptLogprobs({ start: 3, entries: [entry(12, -3), entry(13, -4)] });
    expect(r.promptLogprobs()).toBeNull();
    r.notePromptLogprobs({ start: 1, entries: [entry(10, -1), entry(11, -2)] });
    r.notePromptLogprobs({ start: 1, entries: [entry(10, -9), entry(11, -9), entry(12, -9)] });
    expect(r.promptLogprobs()?.map((e) => e?.logprob ?? null)).toEqual([null, -1, -2, -3, -4]);
    const none = new EngineRequest(
      "s",
      [1, 10],
      parseSamplingParams({}, { maxModelLen: 64, numPromptTokens: 2 }),
    );
    none.notePromptLogprobs({ start: 1, entries: [entry(10, -1)] });
    expect(none.promptLogprobs()).toBeNull();
  });
});
