import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPagodaError } from "@pagoda/errors";
import { MetricsRecorder } from "@pagoda/metrics";
import { writeRandomModel } from "@pagoda/model-loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CreateEngineOptions, createEngine } from "../offline/create-engine.js";
import type { LLM } from "../offline/llm.js";
import { goldenCases, storiesDir } from "../testing/stories.js";
import type { SpeculativeConfig } from "./speculative-config.js";

const GOLDEN_STOP = 1; // the goldens' reference run stops on BOS
const NGRAM: SpeculativeConfig = { method: "ngram", numSpeculativeTokens: 4, ngramMin: 1, ngramMax: 3 };
const SELF_DRAFT: SpeculativeConfig = { method: "draft", model: storiesDir(), numSpeculativeTokens: 3 };

async function withEngine<T>(options: CreateEngineOptions, f: (llm: LLM) => Promise<T>): Promise<T> {
  const llm = await createEngine({ threads: 2, ...options });
  try {
    return await f(llm);
  } finally {
    await llm.close();
  }
}

const greedy = (max_tokens: number) => ({ temperature: 0, max_tokens, stop_token_ids: [GOLDEN_STOP] });

describe.each(["cpu", "reference"] as const)("speculative decoding end to end (%s)", (device) => {
  const cases = goldenCases().slice(1);
  const maxTokens = device === "reference" ? 48 : 120;

  it.each([
    ["ngram", NGRAM],
    ["draft = target", SELF_DRAFT],
  ] as const)(
    "keeps the stories260K goldens token for token (%s)",
    async (_, speculative) => {
      const metrics = new MetricsRecorder();
      const prompts = cases.map((c) => c.prompt);
      // f32 K/V: the goldens' precision (an f16 cache drifts from them late in a story, with or without drafts).
      const base = { model: storiesDir(), device, kvCacheDtype: "f32" } as const;
      const plain = await withEngine(base, (llm) => llm.generate(prompts, greedy(maxTokens)));
      await withEngine({ ...base, speculative, metrics }, async (llm) => {
        const spec = await llm.generate(prompts, greedy(maxTokens));
        spec.forEach((r, i) => {
          expect(r.tokenIds).toEqual(plain[i]?.tokenIds);
          expect(r.text).toEqual(plain[i]?.text);
          const got = r.finishReason === "stop" ? r.tokenIds.slice(0, -1) : r.tokenIds;
          expect(got).toEqual(cases[i]?.completionIds.slice(0, got.length));
        });
        const stats = llm.parts.scheduler.stats();
        expect(stats.numDraftTokens).toBeGreaterThan(0);
        expect(stats.kv.numUsedBlocks).toBe(0);
        const snap = metrics.snapshot().specDecode;
        expect(snap.numDraftTokens).toBe(stats.numDraftTokens);
        expect(snap.numAcceptedTokens).toBe(stats.numAcceptedDraftTokens);
        if (speculative.method === "draft") {
          // The draft is the target: its greedy drafts are the target's greedy tokens, all accepted.
          expect(stats.numAcceptedDraftTokens).toBe(stats.numDraftTokens);
          expect(llm.proposer?.numRequests).toBe(0);
        }
      });
    },
    120_000,
  );
});

describe("speculative decoding on a random Llama (cpu)", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pagoda-spec-"));
    const shapes = {
      hiddenSize: 96,
      numLayers: 3,
      numHeads: 6,
      numKvHeads: 2,
      headDim: 16,
      intermediateSize: 192,
      vocabSize: 512,
      maxPositionEmbeddings: 512,
      bosTokenId: 1,
      eosTokenIds: [2],
    };
    await writeRandomModel(join(dir, "target"), "llama", shapes, { seed: 5, tokenizerFrom: storiesDir() });
    await writeRandomModel(
      join(dir, "wide"),
      "llama",
      { ...shapes, vocabSize: 640 },
      { seed: 6, tokenizerFrom: storiesDir() },
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ["ngram", NGRAM],
    ["stories260K drafting", SELF_DRAFT],
  ] as const)(
    "greedy outputs are those without speculation (%s)",
    async (_, speculative) => {
      const model = join(dir, "target");
      // A prompt that repeats itself, so prompt lookup proposes; random weights repeat too.
      const prompts = ["Once upon a time, Tom had a cat. Tom had a cat. Tom had", "The dog ran. The dog"];
      const params = { temperature: 0, max_tokens: 60, ignore_eos: true };
      const plain = await withEngine({ model, device: "cpu" }, (llm) => llm.generate(prompts, params));
      await withEngine({ model, device: "cpu", speculative }, async (llm) => {
        const spec = await llm.generate(prompts, params);
        for (const [i, r] of spec.entries()) expect(r.tokenIds).toEqual(plain[i]?.tokenIds);
        expect(llm.parts.scheduler.stats().numDraftTokens).toBeGreaterThan(0);
      });
    },
    120_000,
  );

  it("refuses a draft model with another vocabulary, naming both sizes", async () => {
    const err = await createEngine({
      model: join(dir, "target"),
      device: "cpu",
      speculative: { method: "draft", model: join(dir, "wide"), numSpeculativeTokens: 2 },
    }).catch((e) => e);
    expect(isPagodaError(err) && err.code).toBe("engine.draft_vocab_mismatch");
    expect(String(err.message)).toMatch(/640.*512|512.*640/);
  });

  it("refuses a bad speculative option before loading anything", async () => {
    const err = await createEngine({
      model: join(dir, "target"),
      speculative: { method: "ngram", numSpeculativeTokens: 0 },
    }).catch((e) => e);
    expect(isPagodaError(err) && err.code).toBe("engine.bad_speculative");
  });
});

describe("speculative decoding with n > 1, stop strings and abort (cpu)", () => {
  const prompt = goldenCases()[2]?.prompt ?? "";

  it("gives every sample of n = 3 its non-speculative greedy output, and frees every block", async () => {
    const params = { ...greedy(60), n: 3 };
    const plain = await withEngine({ model: storiesDir(), device: "cpu" }, (llm) =>
      llm.generate([prompt], params),
    );
    for (const speculative of [NGRAM, SELF_DRAFT]) {
      await withEngine({ model: storiesDir(), device: "cpu", speculative }, async (llm) => {
        const [r] = await llm.generate([prompt], params);
        expect(r?.samples.map((s) => s.tokenIds)).toEqual(plain[0]?.samples.map((s) => s.tokenIds));
        expect(llm.parts.scheduler.stats().kv.numUsedBlocks).toBe(0);
        expect(llm.proposer?.numRequests).toBe(0);
      });
    }
  }, 120_000);

  it("never emits text (or tokens) after a stop string a step of several tokens completed", async () => {
    const full = await withEngine({ model: storiesDir(), device: "cpu" }, (llm) =>
      llm.generate([prompt], greedy(80)),
    );
    const text = full[0]?.text ?? "";
    // Stop strings from inside the golden story, so the greedy run reaches them; at least one must
    // be completed by a token followed by accepted drafts in the same step (then cut off).
    let cutOff = 0;
    for (const at of [40, 47, 54, 61, 68]) {
      const stop = text.slice(at, at + 6);
      if (text.indexOf(stop) < at) continue;
      for (const include of [false, true]) {
        const params = { ...greedy(80), stop: [stop], include_stop_str_in_output: include };
        const plain = await withEngine({ model: storiesDir(), device: "cpu" }, (llm) =>
          llm.generate([prompt], params),
        );
        await withEngine({ model: storiesDir(), device: "cpu", speculative: SELF_DRAFT }, async (llm) => {
          const { engine, scheduler } = { engine: llm.engine, scheduler: llm.parts.scheduler };
          engine.addRequest("s", prompt, params);
          let out = "";
          const tokens: number[] = [];
          let numSteps = 0;
          let last = null as Awaited<ReturnType<typeof engine.step>>[number] | null;
          while (engine.hasUnfinished()) {
            for (const o of await engine.step()) {
              out += o.text;
              tokens.push(...o.tokenIds);
              numSteps++;
              last = o;
            }
          }
          expect(last?.finishReason).toBe("stop");
          expect(last?.stopReason).toBe(stop);
          expect(out).toBe(plain[0]?.text);
          expect(tokens).toEqual(plain[0]?.tokenIds);
          expect(last?.usage).toEqual(plain[0]?.usage);
          expect(out.endsWith(stop)).toBe(include);
          // Each step appended 1 + its accepted drafts; more than were output means some were cut.
          if (numSteps + scheduler.stats().numAcceptedDraftTokens > tokens.length) cutOff++;
        });
      }
    }
    expect(cutOff).toBeGreaterThan(0);
  }, 120_000);

  it("proposes nothing for a guided request or one asking for prompt logprobs", async () => {
    const repetitive = "Tom had a cat. Tom had a cat. Tom had a cat. Tom had";
    await withEngine({ model: storiesDir(), device: "cpu", speculative: NGRAM }, async (llm) => {
      const [choice, scored] = await llm.generate(
        [repetitive, repetitive],
        [
          { temperature: 0, max_tokens: 20, guided_choice: [" a cat. Tom had a cat.", " a dog."] },
          { temperature: 0, max_tokens: 30, prompt_logprobs: 1 },
        ],
      );
      expect(choice?.text).toMatch(/^ a (cat\. Tom had a cat\.|dog\.)$/);
      expect(scored?.promptLogprobs?.length).toBe(scored?.usage.promptTokens);
      expect(llm.parts.scheduler.stats().numDraftTokens).toBe(0);
      // The same prompt without either gets drafts.
      await llm.generate([repetitive], { temperature: 0, max_tokens: 30 });
      expect(llm.parts.scheduler.stats().numDraftTokens).toBeGreaterThan(0);
    });
  }, 120_000);

  it("seeded sampling with drafts replays: the same seed gives the same output twice", async () => {
    const params = { temperature: 0.8, top_p: 0.95, seed: 11, max_tokens: 60, ignore_eos: true, n: 2 };
    for (const speculative of [NGRAM, SELF_DRAFT]) {
      const runs = [];
      for (let i = 0; i < 2; i++) {
        runs.push(
          await withEngine({ model: storiesDir(), device: "cpu", speculative }, async (llm) => {
            const [r] = await llm.generate([prompt], params);
            expect(llm.parts.scheduler.stats().numDraftTokens).toBeGreaterThan(0);
            return r?.samples.map((s) => s.tokenIds);
          }),
        );
      }
      expect(runs[1]).toEqual(runs[0]);
      expect(runs[0]?.[0]).not.toEqual(runs[0]?.[1]); // the samples' seeds differ
    }
  }, 120_000);

  it("an abort in the middle of speculation leaves no block in use, in either cache", async () => {
    for (const speculative of [NGRAM, SELF_DRAFT]) {
      await withEngine({ model: storiesDir(), device: "cpu", speculative }, async (llm) => {
        const { engine } = llm;
        engine.addRequest("a", prompt, { temperature: 0, max_tokens: 200, ignore_eos: true });
        engine.addRequest("b", prompt, { temperature: 0.8, seed: 3, max_tokens: 200, ignore_eos: true });
        let drafted = 0;
        for (let i = 0; i < 12; i++) {
          await engine.step();
          drafted = llm.parts.scheduler.stats().numDraftTokens;
        }
        expect(drafted).toBeGreaterThan(0);
        engine.abort("a");
        await engine.step();
        engine.abort("b");
        expect(engine.hasUnfinished()).toBe(false);
        expect(llm.parts.scheduler.stats().kv.numUsedBlocks).toBe(0);
        expect(llm.proposer?.numRequests).toBe(0);
        const draft = llm.proposer as { numFreeBlocks?: number };
        if (draft.numFreeBlocks !== undefined) {
          // Every draft block is back (the pool's total is its blocks but the null block).
          expect(draft.numFreeBlocks).toBe(llm.parts.kvCache.devicePool.numTotalBlocks + 64);
        }
      });
    }
  }, 120_000);
});
