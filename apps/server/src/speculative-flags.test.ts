import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { run } from "./program.js";
import { parseSpeculativeFlags, type SpeculativeFlags } from "./speculative-flags.js";
import { captureIo } from "./testing/capture-io.js";

function errorOf(flags: SpeculativeFlags): { code: string; message: string; flag: unknown } {
  try {
    parseSpeculativeFlags(flags);
  } catch (err) {
    if (isPagodaError(err)) return { code: err.code, message: err.message, flag: err.details?.flag };
    throw err;
  }
  throw new Error("no error");
}

const stories = new URL("../../../../shared/models/stories260K", import.meta.url).pathname;

describe("speculative decoding flags", () => {
  it("are off by default, and map onto createEngine's speculative option", () => {
    expect(parseSpeculativeFlags({})).toBeUndefined();
    expect(parseSpeculativeFlags({ speculative: "ngram", numSpeculativeTokens: "4" })).toEqual({
      method: "ngram",
      numSpeculativeTokens: 4,
    });
    expect(
      parseSpeculativeFlags({
        speculative: "ngram",
        numSpeculativeTokens: "3",
        ngramMin: "1",
        ngramMax: "5",
      }),
    ).toEqual({ method: "ngram", numSpeculativeTokens: 3, ngramMin: 1, ngramMax: 5 });
    // --speculative-model alone means a draft model.
    expect(parseSpeculativeFlags({ speculativeModel: "/m/draft", numSpeculativeTokens: "2" })).toEqual({
      method: "draft",
      model: "/m/draft",
      numSpeculativeTokens: 2,
    });
  });

  it.each([
    [{ numSpeculativeTokens: "4" }, "--num-speculative-tokens", "needs --speculative ngram"],
    [{ ngramMax: "3" }, "--ngram-max", "needs --speculative ngram"],
    [{ speculative: "eagle", numSpeculativeTokens: "2" }, "--speculative", "must be ngram or draft"],
    [{ speculative: "ngram" }, "--num-speculative-tokens", "needs --num-speculative-tokens K"],
    [
      { speculative: "ngram", numSpeculativeTokens: "four" },
      "--num-speculative-tokens",
      "must be an integer",
    ],
    [{ speculative: "ngram", numSpeculativeTokens: "99" }, "--num-speculative-tokens", "from 1 to 16"],
    [{ speculative: "ngram", numSpeculativeTokens: "2", ngramMin: "0" }, "--ngram-min", "ngramMin"],
    [
      { speculative: "ngram", numSpeculativeTokens: "2", ngramMin: "4", ngramMax: "2" },
      "--ngram-max",
      "ngramMax",
    ],
    [
      { speculative: "ngram", numSpeculativeTokens: "2", speculativeModel: "/m" },
      "--speculative-model",
      "cannot go",
    ],
    [{ speculative: "draft", numSpeculativeTokens: "2" }, "--speculative-model", "needs --speculative-model"],
    [{ speculativeModel: "/m", numSpeculativeTokens: "2", ngramMin: "2" }, "--ngram-min", "ngram only"],
  ] as const)("refuse %j naming %s", (flags, flag, words) => {
    const err = errorOf(flags);
    expect(err.code).toBe("cli.bad_argument");
    expect(err.flag).toBe(flag);
    expect(err.message).toContain(flag);
    expect(err.message).toContain(words);
  });

  it("pagoda generate speculates with an n-gram proposer or a draft model, keeping the greedy text", async () => {
    const args = ["generate", "--prompt", "Once upon a time", "--max-tokens", "40", "--temperature", "0"];
    const plain = captureIo();
    expect(await run([...args, "--device", "cpu"], plain)).toBe(0);
    for (const extra of [
      ["--speculative", "ngram", "--num-speculative-tokens", "3", "--ngram-min", "1"],
      ["--speculative-model", stories, "--num-speculative-tokens", "2"],
    ]) {
      const io = captureIo();
      expect(await run([...args, "--device", "cpu", ...extra], io)).toBe(0);
      expect(io.outText).toBe(plain.outText);
    }
    const bad = captureIo();
    expect(await run([...args, "--speculative", "ngram"], bad)).toBe(1);
    expect(bad.errText).toContain("--num-speculative-tokens");
  }, 60_000);
});
