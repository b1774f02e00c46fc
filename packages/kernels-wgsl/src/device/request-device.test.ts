import { describe, expect, it } from "vitest";
import { GpuUnavailableError, OPTIONAL_FEATURES } from "../index.js";

describe("GpuUnavailableError", () => {
  it("is a typed Pagoda error with a code", () => {
    const err = new GpuUnavailableError("gpu.no_adapter", "none");
    expect(err.code).toBe("gpu.no_adapter");
    expect(err.name).toBe("GpuUnavailableError");
  });
  it("lists the optional features kernels may use", () => {
    expect(OPTIONAL_FEATURES).toEqual(["shader-f16", "subgroups", "timestamp-query"]);
  });
});
