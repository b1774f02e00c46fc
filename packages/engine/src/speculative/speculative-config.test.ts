import { describe, expect, it } from "vitest";
import { checkDraftVocabulary, describeSpeculative, resolveSpeculativeConfig } from "./speculative-config.js";

function codeAndMessage(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error("did not throw");
}

describe("resolveSpeculativeConfig", () => {
  it("fills in the n-gram defaults and keeps a draft model's", () => {
    expect(resolveSpeculativeConfig({ method: "ngram", numSpeculativeTokens: 3 })).toEqual({
      method: "ngram",
      numSpeculativeTokens: 3,
      ngramMin: 2,
      ngramMax: 4,
    });
    expect(resolveSpeculativeConfig({ method: "ngram", numSpeculativeTokens: 2, ngramMin: 5 })).toMatchObject(
      {
        ngramMin: 5,
        ngramMax: 5,
      },
    );
    expect(resolveSpeculativeConfig({ method: "draft", model: "m", numSpeculativeTokens: 4 })).toEqual({
      method: "draft",
      model: "m",
      numSpeculativeTokens: 4,
    });
  });

  it.each([
    [null, "speculative must be an object"],
    [{ method: "eagle", numSpeculativeTokens: 2 }, "speculative.method must be ngram or draft"],
    [{ method: "ngram" }, "speculative.numSpeculativeTokens"],
    [{ method: "ngram", numSpeculativeTokens: 0 }, "speculative.numSpeculativeTokens"],
    [{ method: "ngram", numSpeculativeTokens: 17 }, "speculative.numSpeculativeTokens"],
    [{ method: "ngram", numSpeculativeTokens: 1.5 }, "speculative.numSpeculativeTokens"],
    [{ method: "ngram", numSpeculativeTokens: 2, ngramMin: 0 }, "speculative.ngramMin"],
    [{ method: "ngram", numSpeculativeTokens: 2, ngramMin: 3, ngramMax: 2 }, "speculative.ngramMax"],
    [{ method: "ngram", numSpeculativeTokens: 2, model: "m" }, "speculative.model"],
    [{ method: "draft", numSpeculativeTokens: 2 }, "speculative.model"],
    [{ method: "draft", numSpeculativeTokens: 2, model: "" }, "speculative.model"],
    [{ method: "draft", numSpeculativeTokens: 2, model: "m", ngramMax: 3 }, "speculative.ngramMax"],
  ])("refuses %j naming the field", (value, field) => {
    const err = codeAndMessage(() => resolveSpeculativeConfig(value));
    expect(err.code).toBe("engine.bad_speculative");
    expect(err.message).toContain(field);
  });
});

describe("checkDraftVocabulary", () => {
  it("names both sizes when they differ", () => {
    expect(() => checkDraftVocabulary(512, 512)).not.toThrow();
    const err = codeAndMessage(() => checkDraftVocabulary(512, 32000));
    expect(err.code).toBe("engine.draft_vocab_mismatch");
    expect(err.message).toContain("32000");
    expect(err.message).toContain("512");
  });
});

describe("describeSpeculative", () => {
  it("says the method and its numbers", () => {
    expect(describeSpeculative(resolveSpeculativeConfig({ method: "ngram", numSpeculativeTokens: 4 }))).toBe(
      "ngram k=4 n=2..4",
    );
    expect(describeSpeculative({ method: "draft", model: "/m/stories", numSpeculativeTokens: 3 })).toBe(
      "draft model /m/stories k=3",
    );
  });
});
