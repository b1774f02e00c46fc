import { isPagodaError } from "@pagoda/errors";
import type { Executor } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { generate } from "../offline/generate.js";
import { goldenCases, testEngine } from "../testing/stories.js";

const GOLDEN_STOP = 1; // the reference run stops on BOS
const GOLDEN_TOTAL = 257;

describe("LLMEngine on stories260K (CPU executor)", () => {
  it("reproduces the golden greedy outputs through generate", async () => {
    const { engine, kvCache } = await testEngine({ blockSize: 8, numBlocks: 256 });
    const cases = goldenCases().slice(1, 4);
    const params = cases.map((c) => ({
      temperature: 0,
      max_tokens: GOLDEN_TOTAL - c.promptIds.length,
      stop_token_ids: [GOLDEN_STOP],
    }));
    const results = await generate(
      engine,
      cases.map((c) => c.prompt),
      params,
    );
    results.forEach((r, i) => {
      const c = cases[i];
      // The golden ids leave out the stopping BOS; the engine keeps a stop token as the last id.
      const stopped = r.finishReason === "stop" && r.tokenIds.at(-1) === GOLDEN_STOP;
      expect(stopped ? r.tokenIds.slice(0, -1) : r.tokenIds).toEqual(c?.completionIds);
      expect(r.finishReason).toBe(stopped ? "stop" : "length");
      expect(r.usage).toEqual({
        promptTokens: c?.promptIds.length,
        completionTokens: r.tokenIds.length,
        totalTokens: (c?.promptIds.length ?? 0) + r.tokenIds.length,
      });
    });
    expect(kvCache.stats().numUsedBlocks).toBe(0);
  }, 60_000);

  it("stops on a stop string spanning tokens and never emits any of it", async () => {
    const { engine, tokenizer } = await testEngine();
    const prompt = "Once upon a time";
    const [full] = await generate(engine, [prompt], { temperature: 0, max_tokens: 40 });
    const stop = "little girl"; // several tokens in this output
    const at = full?.text.indexOf(stop) ?? -1;
    expect(at).toBeGreaterThan(0);
    const seen: string[] = [];
    engine.addRequest("s", prompt, { temperature: 0, max_tokens: 40, stop });
    let last = null;
    while (engine.hasUnfinished()) {
      for (const o of await engine.step()) {
        seen.push(o.text);
        last = o;
      }
    }
    expect(seen.join("")).toBe(full?.text.slice(0, at));
    expect(last?.finishReason).toBe("stop");
    expect(last?.stopReason).toBe(stop);
    expect(tokenizer.encode(stop, { addSpecialTokens: false }).length).toBeGreaterThan(1);
  });

  it("gives the same samples for the same seed, and a seed to requests without one", async () => {
    const { engine } = await testEngine();
    const params = { temperature: 1, top_p: 0.9, max_tokens: 30, seed: 1234 };
    const [a, b] = await generate(engine, ["Tom and Lily", "Tom and Lily"], params);
    const [c] = await generate(engine, ["Tom and Lily"], params);
    expect(a?.tokenIds).toEqual(b?.tokenIds);
    expect(c?.tokenIds).toEqual(a?.tokenIds);
    const [d] = await generate(engine, ["Tom and Lily"], { ...params, seed: 99 });
    expect(d?.tokenIds).not.toEqual(a?.tokenIds);
  });

  it("fails only the requests of a failed step and keeps serving", async () => {
    let failNext = false;
    const wrap = (inner: Executor): Executor => ({
      execute: async (step) => {
        if (failNext) {
          failNext = false;
          throw new Error("device lost");
        }
        return inner.execute(step);
      },
      close: () => inner.close(),
    });
    const { engine, kvCache } = await testEngine({ wrap });
    engine.addRequest("x", "Once upon a time", { temperature: 0, max_tokens: 20 });
    await engine.step();
    failNext = true;
    const failed = await engine.step();
    expect(failed.map((o) => [o.requestId, o.finishReason])).toEqual([["x", "error"]]);
    expect(isPagodaError(failed[0]?.error, "engine.executor_failed")).toBe(true);
    expect(engine.hasUnfinished()).toBe(false);
    expect(kvCache.stats().numUsedBlocks).toBe(0);
    const [ok] = await generate(engine, ["Once upon a time"], { temperature: 0, max_tokens: 60 });
    expect(ok?.text).toMatch(/^, there was a little girl named Lily\./);
    expect(ok?.finishReason).toBe("length");
  });

  it("rejects bad parameters with typed errors naming the field", async () => {
    const { engine } = await testEngine({ numBlocks: 8, blockSize: 16 });
    const codeOf = (f: () => void) => {
      try {
        f();
      } catch (err) {
        return isPagodaError(err) ? [err.code, err.details?.param] : ["untyped"];
      }
      return ["no error"];
    };
    expect(codeOf(() => engine.addRequest("a", "Hi", { temperature: 5 }))).toEqual([
      "sampling.invalid",
      "temperature",
    ]);
    expect(codeOf(() => engine.addRequest("b", "Hi", { n: 17 }))).toEqual(["sampling.invalid", "n"]);
    expect(codeOf(() => engine.addRequest("c", "Hi", { max_tokens: 500 }))).toEqual([
      "sampling.context_overflow",
      "max_tokens",
    ]);
    expect(codeOf(() => engine.addRequest("d", [], {}))).toEqual(["engine.bad_prompt", undefined]);
    expect(engine.hasUnfinished()).toBe(false);
  });

  it("does not print the EOS token's text", async () => {
    const { engine } = await testEngine();
    const c = goldenCases()[2];
    // Make a token of the golden continuation a stop token: it ends the output but shows no text.
    const stopId = c?.completionIds[5] as number;
    const [r] = await generate(engine, [c?.prompt ?? ""], {
      temperature: 0,
      max_tokens: 50,
      stop_token_ids: [stopId],
    });
    expect(r?.tokenIds.at(-1)).toBe(stopId);
    expect(r?.stopReason).toBe(stopId);
    const { tokenizer } = await testEngine();
    const shown = tokenizer.decode(c?.promptIds.concat(r?.tokenIds.slice(0, -1) ?? []) ?? [], {
      skipSpecialTokens: true,
    });
    expect(shown.endsWith(r?.text ?? "?")).toBe(true);
  });
});
