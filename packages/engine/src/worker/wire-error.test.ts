import { isPagodaError, PagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { EngineError, SamplingParamsError } from "../errors.js";
import { fromWire, toWire } from "./wire-error.js";

class LoaderError extends PagodaError {}

// What the other thread gets: the wire form after a structured clone.
const across = (err: unknown) => fromWire(structuredClone(toWire(err)));

describe("errors across the thread boundary", () => {
  it("keeps the engine's own classes, codes, messages and details", () => {
    const sent = new SamplingParamsError("sampling.invalid", "temperature must be in [0, 2]; got 5", {
      details: { param: "temperature" },
    });
    const got = across(sent);
    expect(got).toBeInstanceOf(SamplingParamsError);
    expect([got.name, got.code, got.message, got.details]).toEqual([
      "SamplingParamsError",
      "sampling.invalid",
      sent.message,
      { param: "temperature" },
    ]);
    expect(got.stack).toBe(sent.stack);
    expect(across(new EngineError("engine.duplicate_request", "x"))).toBeInstanceOf(EngineError);
  });

  it("turns another package's error into a PagodaError with its name and code", () => {
    const got = across(new LoaderError("safetensors.truncated", "model.safetensors is truncated"));
    expect(got).toBeInstanceOf(PagodaError);
    expect([got.name, got.code, got.details]).toEqual(["LoaderError", "safetensors.truncated", undefined]);
  });

  it("wraps anything else in engine.internal_error", () => {
    const got = across(new TypeError("x is not a function"));
    expect(isPagodaError(got, "engine.internal_error")).toBe(true);
    expect(got.message).toBe("TypeError: x is not a function");
    expect(isPagodaError(across("a string"), "engine.internal_error")).toBe(true);
  });

  it("drops details that cannot be cloned and keeps the rest", () => {
    const err = new EngineError("engine.bad_option", "bad", { details: { value: 3, fn: () => 1 } });
    expect(across(err).details).toEqual({ value: 3 });
  });
});
