import { describe, expect, it } from "vitest";
import { minTokensBan } from "./min-tokens.js";
import { parseSamplingParams } from "./parse-sampling-params.js";

const CTX = { maxModelLen: 64, numPromptTokens: 4 };

describe("minTokensBan", () => {
  it("bans the EOS ids and the stop ids, once each", () => {
    const p = parseSamplingParams({ min_tokens: 3, stop_token_ids: [7, 2] }, CTX);
    expect(minTokensBan(p, [2, 1])).toEqual({ minTokens: { count: 3, tokenIds: [2, 1, 7] } });
  });

  it("leaves EOS alone with ignore_eos, and adds nothing without min_tokens", () => {
    const p = parseSamplingParams({ min_tokens: 3, stop_token_ids: [7], ignore_eos: true }, CTX);
    expect(minTokensBan(p, [2])).toEqual({ minTokens: { count: 3, tokenIds: [7] } });
    expect(minTokensBan(parseSamplingParams({}, CTX), [2])).toEqual({});
  });
});
