import { describe, expect, it } from "vitest";
import { generate } from "../offline/generate.js";
import { testEngine } from "../testing/stories.js";

const PROMPT = "Once upon a time";

describe("vLLM's request fields on stories260K", () => {
  it("min_tokens: no stop token can end a sample before min_tokens tokens", async () => {
    const { engine } = await testEngine();
    const [free] = await generate(engine, [PROMPT], { temperature: 0, max_tokens: 12 });
    const stopId = free?.tokenIds[1] as number;
    const [early] = await generate(engine, [PROMPT], {
      temperature: 0,
      max_tokens: 12,
      stop_token_ids: [stopId],
    });
    expect(early?.tokenIds).toEqual(free?.tokenIds.slice(0, 2));
    const params = { temperature: 0, max_tokens: 12, stop_token_ids: [stopId], min_tokens: 6 };
    const [held] = await generate(engine, [PROMPT], params);
    expect(held?.tokenIds.length).toBeGreaterThanOrEqual(6);
    expect(held?.tokenIds.slice(0, 6)).not.toContain(stopId);
    expect(held?.tokenIds[0]).toBe(free?.tokenIds[0]);
  });

  it("min_tokens: the model's EOS ids are banned too", async () => {
    const { engine } = await testEngine();
    // A long greedy run of this model ends its story with BOS (id 1, an EOS id of stories260K).
    const [free] = await generate(engine, [PROMPT], { temperature: 0, max_tokens: 400 });
    expect(free?.finishReason).toBe("stop");
    const n = free?.tokenIds.length ?? 0;
    const [held] = await generate(engine, [PROMPT], {
      temperature: 0,
      max_tokens: n + 20,
      min_tokens: n + 10,
    });
    expect(held?.tokenIds.length).toBeGreaterThanOrEqual(n + 10);
    expect(held?.tokenIds.slice(0, n + 10).filter((t) => t === 1 || t === 2)).toEqual([]);
  });

  it("min_tokens: a stop string is looked for only after min_tokens tokens", async () => {
    const { engine } = await testEngine();
    const [free] = await generate(engine, [PROMPT], { temperature: 0, max_tokens: 40 });
    const stop = "little girl";
    const at = free?.text.indexOf(stop) ?? -1;
    expect(at).toBeGreaterThan(0);
    const [held] = await generate(engine, [PROMPT], { temperature: 0, max_tokens: 40, stop, min_tokens: 30 });
    expect(held?.text.slice(0, at + stop.length)).toBe(free?.text.slice(0, at + stop.length));
    expect(held?.tokenIds.length).toBeGreaterThanOrEqual(30);
  });

  it("include_stop_str_in_output: the text ends with the stop string", async () => {
    const { engine } = await testEngine();
    const [free] = await generate(engine, [PROMPT], { temperature: 0, max_tokens: 40 });
    const stop = "little girl";
    const at = free?.text.indexOf(stop) ?? -1;
    const params = { temperature: 0, max_tokens: 40, stop, include_stop_str_in_output: true };
    const [r] = await generate(engine, [PROMPT], params);
    expect(r?.text).toBe(free?.text.slice(0, at + stop.length));
    expect(r?.finishReason).toBe("stop");
  });

  it("skip_special_tokens: false shows special tokens the sample generated", async () => {
    const { engine, tokenizer } = await testEngine();
    const params = { temperature: 0, max_tokens: 400, ignore_eos: true };
    const [skipped] = await generate(engine, [PROMPT], params);
    const [shown] = await generate(engine, [PROMPT], { ...params, skip_special_tokens: false });
    expect(shown?.tokenIds).toEqual(skipped?.tokenIds);
    const bos = tokenizer.decode([1], { skipSpecialTokens: false });
    expect(bos.length).toBeGreaterThan(0);
    expect(skipped?.text).not.toContain(bos);
    expect(shown?.text).toContain(bos);
  });
});
