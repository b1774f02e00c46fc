import { isPagodaError } from "@pagoda/errors";
import { CpuExecutor, WasmExecutor } from "@pagoda/executor";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEngine } from "../offline/create-engine.js";
import { storiesDir } from "../testing/stories.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createEngine with a draft model that cannot be used", () => {
  it.each([
    ["cpu", WasmExecutor],
    ["reference", CpuExecutor],
  ] as const)("closes the target's executor it already built (%s)", async (device, Executor) => {
    const close = vi.spyOn(Executor.prototype, "close");
    const err = await createEngine({
      model: storiesDir(),
      device,
      threads: 2,
      speculative: { method: "draft", model: "/nonexistent/draft-model", numSpeculativeTokens: 2 },
    }).catch((e: unknown) => e);
    expect(isPagodaError(err) && err.code).toBe("resolve.not_found");
    expect(String((err as Error).message)).toContain("/nonexistent/draft-model");
    expect(close).toHaveBeenCalledTimes(1);
  });
});
