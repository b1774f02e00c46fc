import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { EngineError, parseSamplingParams, SAMPLING_PARAM_KEYS, SamplingParamsError } from "../index.js";

const CTX = { maxModelLen: 1024, numPromptTokens: 10 };

function errorOf(input: unknown, options = CTX): SamplingParamsError {
  try {
    parseSamplingParams(input, options);
  } catch (err) {
    if (err instanceof SamplingParamsError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

// [field, bad value, text the message must contain (the allowed range)]
const BAD: Array<[string, unknown, string]> = [
  ["max_tokens", 0, ">= 1"],
  ["max_tokens", -5, ">= 1"],
  ["max_tokens", 1.5, ">= 1"],
  ["max_tokens", "16", ">= 1"],
  ["temperature", -0.1, "[0, 2]"],
  ["temperature", 2.01, "[0, 2]"],
  ["temperature", Number.NaN, "[0, 2]"],
  ["temperature", "hot", "[0, 2]"],
  ["top_p", 0, "(0, 1]"],
  ["top_p", 1.1, "(0, 1]"],
  ["top_p", -1, "(0, 1]"],
  ["top_k", -2, "-1 or 0"],
  ["top_k", 2.5, "-1 or 0"],
  ["min_p", -0.01, "[0, 1]"],
  ["min_p", 1.5, "[0, 1]"],
  ["seed", 0.5, "safe integer"],
  ["seed", 2 ** 60, "safe integer"],
  ["seed", "42", "safe integer"],
  ["n", 0, "[1, 16]"],
  ["n", 17, "[1, 16]"],
  ["n", 2.5, "[1, 16]"],
  ["stop", "", "non-empty"],
  ["stop", ["a", ""], "non-empty"],
  ["stop", ["a", "b", "c", "d", "e"], "at most 4"],
  ["stop", 42, "non-empty string"],
  ["stop", [1], "non-empty string"],
  ["stop_token_ids", [1, -2], "token ids >= 0"],
  ["stop_token_ids", [1.5], "token ids >= 0"],
  ["stop_token_ids", 7, "token ids >= 0"],
  ["ignore_eos", "yes", "boolean"],
  ["ignore_eos", 1, "boolean"],
  ["presence_penalty", -2.5, "[-2, 2]"],
  ["presence_penalty", 2.5, "[-2, 2]"],
  ["frequency_penalty", -3, "[-2, 2]"],
  ["frequency_penalty", 3, "[-2, 2]"],
  ["repetition_penalty", 0, "> 0"],
  ["repetition_penalty", -1, "> 0"],
  ["repetition_penalty", Number.POSITIVE_INFINITY, "> 0"],
  ["logprobs", -1, "[0, 20]"],
  ["logprobs", 21, "[0, 20]"],
  ["prompt_logprobs", -1, "[0, 20]"],
  ["prompt_logprobs", 21, "[0, 20]"],
  ["logit_bias", { "5": 101 }, "[-100, 100]"],
  ["logit_bias", { abc: 1 }, "token ids"],
  ["logit_bias", [1, 2], "an object"],
  ["logprobs", true, "[0, 20]"],
  ["priority", 1.5, "integer"],
  ["ttft_target_ms", 0, "> 0"],
  ["ttft_target_ms", -10, "> 0"],
  ["tpot_target_ms", 0, "> 0"],
  ["tpot_target_ms", "fast", "> 0"],
  ["min_tokens", -1, "integer >= 0"],
  ["min_tokens", 1.5, "integer >= 0"],
  ["include_stop_str_in_output", "yes", "a boolean"],
  ["skip_special_tokens", 0, "a boolean"],
  ["tenant", "", "1 to 256 characters"],
  ["tenant", 7, "1 to 256 characters"],
  ["cache_salt", 42, "1 to 256 characters"],
  ["cache_salt", ["a"], "1 to 256 characters"],
  ["guided_json", 42, "a JSON schema"],
  ["guided_json_object", "yes", "a boolean"],
  ["guided_regex", "", "non-empty regular expression"],
  ["guided_choice", [], "non-empty array"],
  ["guided_grammar", 7, "EBNF grammar"],
  ["guided_structural_tag", 7, "structural tag"],
];

describe("parseSamplingParams: rejects bad values, naming the field, the range and the value", () => {
  it.each(BAD)("%s = %j", (param, value, range) => {
    const err = errorOf({ [param]: value });
    expect(err.code).toBe("sampling.invalid");
    expect(err.details?.param).toBe(param);
    expect(err.message).toContain(param);
    expect(err.message).toContain(range);
    const shown = typeof value === "number" ? String(value) : JSON.stringify(value);
    expect(err.message).toContain(`got ${shown}`);
    expect(isPagodaError(err, "sampling.")).toBe(true);
  });

  it("covers every accepted field in the table above", () => {
    expect(new Set(BAD.map(([p]) => p))).toEqual(new Set(SAMPLING_PARAM_KEYS));
  });

  it("rejects unknown fields by name, so typos fail loudly", () => {
    const err = errorOf({ temprature: 0.5 });
    expect(err.details?.param).toBe("temprature");
    expect(err.message).toContain('unknown sampling parameter "temprature"');
  });

  it.each([[42], ["temperature=0"], [[1, 2]]])("rejects a non-object input %j", (input) => {
    const err = errorOf(input);
    expect(err.details?.param).toBeNull();
    expect(err.message).toContain("must be an object");
  });

  it("rejects stop token ids outside the vocabulary when its size is known", () => {
    const err = errorOf({ stop_token_ids: [3, 500] }, { ...CTX, vocabSize: 500 } as typeof CTX);
    expect(err.details?.param).toBe("stop_token_ids");
    expect(err.message).toContain("below the vocabulary size 500; got 500");
    expect(
      parseSamplingParams({ stop_token_ids: [499] }, { ...CTX, vocabSize: 500 }).sampling.stopTokenIds,
    ).toEqual([499]);
  });

  it("treats bad options as a caller bug (EngineError), not as bad user input", () => {
    expect(() => parseSamplingParams({}, { maxModelLen: 0, numPromptTokens: 1 })).toThrow(EngineError);
    expect(() => parseSamplingParams({}, { maxModelLen: 8, numPromptTokens: -1 })).toThrow(EngineError);
    expect(() => parseSamplingParams({}, { maxModelLen: 8, numPromptTokens: 1, vocabSize: 0.5 })).toThrow(
      EngineError,
    );
  });

  it("turns logit_bias into [tokenId, bias] pairs, checked against the vocabulary", () => {
    const opts = { maxModelLen: 64, numPromptTokens: 4, vocabSize: 500 };
    const p = parseSamplingParams({ logit_bias: { "7": -100, "42": 2.5 } }, opts);
    expect(p.sampling.logitBias).toEqual([
      [7, -100],
      [42, 2.5],
    ]);
    expect(parseSamplingParams({ logit_bias: {} }, opts).sampling.logitBias).toBeUndefined();
    expect(parseSamplingParams({ logit_bias: null }, opts).sampling.logitBias).toBeUndefined();
    const err = (() => {
      try {
        parseSamplingParams({ logit_bias: { "500": 1 } }, opts);
      } catch (e) {
        return e as SamplingParamsError;
      }
    })();
    expect(err?.code).toBe("sampling.invalid");
    expect(err?.details?.param).toBe("logit_bias");
    expect(err?.message).toContain("below the vocabulary size 500; got 500");
  });
});
