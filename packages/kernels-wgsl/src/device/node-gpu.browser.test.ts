import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { nodeGpu } from "./node-gpu.browser.js";

describe("node-gpu.browser (a page's bundle without navigator.gpu)", () => {
  it("rejects with gpu.no_webgpu and points at the CPU executor", async () => {
    const err = await nodeGpu("hint").catch((e: unknown) => e);
    expect(isPagodaError(err) && err.code).toBe("gpu.no_webgpu");
    expect(String((err as Error).message)).toContain("CPU executor");
  });
});
