import { describe, expect, it } from "vitest";
import { codeOf, isPagodaError, PagodaError } from "./index.js";

class LoaderError extends PagodaError {}

describe("PagodaError", () => {
  it("carries a code, details, cause and the subclass name", () => {
    const cause = new Error("disk");
    const err = new LoaderError("safetensors.truncated", "model.safetensors is truncated", {
      cause,
      details: { file: "model.safetensors" },
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("LoaderError");
    expect(err.code).toBe("safetensors.truncated");
    expect(err.details).toEqual({ file: "model.safetensors" });
    expect(err.cause).toBe(cause);
  });

  it("is recognised by exact code and by code prefix", () => {
    const err = new LoaderError("safetensors.truncated", "x");
    expect(isPagodaError(err)).toBe(true);
    expect(isPagodaError(err, "safetensors.truncated")).toBe(true);
    expect(isPagodaError(err, "safetensors.")).toBe(true);
    expect(isPagodaError(err, "safetensors.bad_header")).toBe(false);
    expect(isPagodaError(new Error("plain"))).toBe(false);
  });

  it("codeOf returns the thrown Pagoda error's code, 'no error', or rethrows anything else", () => {
    expect(
      codeOf(() => {
        throw new LoaderError("safetensors.truncated", "short");
      }),
    ).toBe("safetensors.truncated");
    expect(codeOf(() => 1)).toBe("no error");
    expect(() =>
      codeOf(() => {
        throw new TypeError("plain");
      }),
    ).toThrow(TypeError);
  });
});
