import type { GenerationConfig } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import { SamplingParamsError } from "../errors.js";
import { generationDefaults } from "./generation-defaults.js";
import { parseSamplingParams } from "./parse-sampling-params.js";

const NONE: GenerationConfig = {
  bosTokenId: 1,
  eosTokenIds: [2],
  maxLength: null,
  maxNewTokens: null,
  doSample: null,
  temperature: null,
  topP: null,
  topK: null,
  minP: null,
  repetitionPenalty: null,
};
const CTX = { maxModelLen: 1024, numPromptTokens: 10 };

describe("generationDefaults (vLLM's --generation-config auto)", () => {
  it("takes Qwen3's sampling values and max_new_tokens as max_tokens; do_sample is ignored", () => {
    const g = { ...NONE, doSample: true, temperature: 0.6, topP: 0.95, topK: 20, minP: 0, maxNewTokens: 64 };
    expect(generationDefaults(g)).toEqual({
      temperature: 0.6,
      top_p: 0.95,
      top_k: 20,
      min_p: 0,
      max_tokens: 64,
    });
  });

  it("drops values equal to transformers' defaults, as to_diff_dict does", () => {
    const g = { ...NONE, temperature: 1, topP: 1, topK: 50, repetitionPenalty: 1 };
    expect(generationDefaults(g)).toEqual({});
    expect(generationDefaults({ ...NONE, doSample: false, maxLength: 512 })).toEqual({});
  });
});

describe("parseSamplingParams with defaults", () => {
  const defaults = { temperature: 0.6, top_k: 20, max_tokens: 40 };

  it("fills the fields a request leaves out or sends as null", () => {
    const p = parseSamplingParams({ top_k: null }, { ...CTX, defaults });
    expect(p.sampling).toMatchObject({ temperature: 0.6, topK: 20, maxTokens: 40 });
  });

  it("never overrides what the request gave", () => {
    const p = parseSamplingParams({ temperature: 0, max_tokens: 5 }, { ...CTX, defaults });
    expect(p.sampling).toMatchObject({ temperature: 0, topK: 0, maxTokens: 5 });
    expect(parseSamplingParams({ top_k: -1 }, { ...CTX, defaults }).sampling.topK).toBe(0);
  });
});

describe("parseSamplingParams: min_tokens", () => {
  it("keeps min_tokens and checks it against max_tokens", () => {
    expect(parseSamplingParams({ min_tokens: 4, max_tokens: 4 }, CTX).minTokens).toBe(4);
    const run = () => parseSamplingParams({ min_tokens: 5, max_tokens: 4 }, CTX);
    expect(run).toThrow(SamplingParamsError);
    expect(run).toThrow("min_tokens must be an integer >= 0, at most max_tokens (4); got 5");
  });
});
