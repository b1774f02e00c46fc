import { EngineError } from "@pagoda/engine";
import { describe, expect, it, vi } from "vitest";
import { parseSpeculativeFlags } from "./speculative-flags.js";

// What the engine's check throws, per test: the real check's verdicts are covered in speculative-flags.test.ts.
const thrown = vi.hoisted(() => ({ error: undefined as unknown }));

vi.mock("@pagoda/engine", async (importOriginal) => {
  const engine = await importOriginal<typeof import("@pagoda/engine")>();
  return {
    ...engine,
    resolveSpeculativeConfig: () => {
      throw thrown.error;
    },
  };
});

const flags = { speculative: "ngram", numSpeculativeTokens: "2" };

describe("speculative decoding flags, when the engine's check fails otherwise", () => {
  it("rethrow an error that is not the engine's verdict on a field, details or not", () => {
    const fault = Object.assign(new TypeError("boom"), { details: { field: "speculative.ngramMin" } });
    thrown.error = fault;
    expect(() => parseSpeculativeFlags(flags)).toThrow(fault);
    const other = new EngineError("engine.draft_vocab_mismatch", "vocab", { details: { field: "x" } });
    thrown.error = other;
    expect(() => parseSpeculativeFlags(flags)).toThrow(other);
  });

  it("map an engine.bad_speculative to its flag, or to --speculative when the field is unknown", () => {
    const details = { field: "speculative.ngramMax" };
    thrown.error = new EngineError("engine.bad_speculative", "too long", { details });
    expect(() => parseSpeculativeFlags(flags)).toThrow(
      expect.objectContaining({ code: "cli.bad_argument", details: { flag: "--ngram-max" } }),
    );
    thrown.error = new EngineError("engine.bad_speculative", "odd");
    expect(() => parseSpeculativeFlags(flags)).toThrow(
      expect.objectContaining({ code: "cli.bad_argument", details: { flag: "--speculative" } }),
    );
  });
});
