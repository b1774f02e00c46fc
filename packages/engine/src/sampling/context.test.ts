import { describe, expect, it } from "vitest";
import { parseSamplingParams, SamplingParamsError } from "../index.js";

function overflow(input: unknown, maxModelLen: number, numPromptTokens: number): SamplingParamsError {
  try {
    parseSamplingParams(input, { maxModelLen, numPromptTokens });
  } catch (err) {
    if (err instanceof SamplingParamsError) return err;
    throw err;
  }
  throw new Error("expected a context overflow");
}

describe("parseSamplingParams: the model's context", () => {
  it("accepts prompt + max_tokens exactly filling the context", () => {
    expect(
      parseSamplingParams({ max_tokens: 24 }, { maxModelLen: 1024, numPromptTokens: 1000 }).sampling
        .maxTokens,
    ).toBe(24);
  });

  it("rejects prompt + max_tokens beyond the context, naming both numbers, instead of truncating", () => {
    const err = overflow({ max_tokens: 25 }, 1024, 1000);
    expect(err.code).toBe("sampling.context_overflow");
    expect(err.details).toMatchObject({
      param: "max_tokens",
      numPromptTokens: 1000,
      maxTokens: 25,
      maxModelLen: 1024,
    });
    expect(err.message).toContain("1000 tokens");
    expect(err.message).toContain("max_tokens is 25");
    expect(err.message).toContain("1025 in all");
    expect(err.message).toContain("context is 1024 tokens");
    expect(err.message).toContain("at most 24");
  });

  it("blames the prompt when it alone fills the context", () => {
    for (const numPromptTokens of [1024, 2000]) {
      const err = overflow({}, 1024, numPromptTokens);
      expect(err.code).toBe("sampling.context_overflow");
      expect(err.details?.param).toBe("prompt");
      expect(err.message).toContain(`${numPromptTokens} tokens`);
      expect(err.message).toContain("1024");
    }
  });

  it("caps only the default max_tokens to the room left", () => {
    expect(parseSamplingParams({}, { maxModelLen: 20, numPromptTokens: 10 }).sampling.maxTokens).toBe(10);
    expect(parseSamplingParams({}, { maxModelLen: 20, numPromptTokens: 1 }).sampling.maxTokens).toBe(16);
    const chatLike = { maxModelLen: 2048, numPromptTokens: 48, defaultMaxTokens: 2000 };
    expect(parseSamplingParams({}, chatLike).sampling.maxTokens).toBe(2000);
    expect(parseSamplingParams({ max_tokens: 5 }, chatLike).sampling.maxTokens).toBe(5);
  });

  it("checks field values before the context, so a bad field is reported as itself", () => {
    const err = overflow({ max_tokens: 0 }, 8, 100);
    expect(err.code).toBe("sampling.invalid");
    expect(err.details?.param).toBe("max_tokens");
  });
});
