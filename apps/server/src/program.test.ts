import { describe, expect, it } from "vitest";
import { run } from "./program.js";
import { captureIo } from "./testing/capture-io.js";

describe("pagoda CLI", () => {
  it("lists its commands in --help", async () => {
    const io = captureIo();
    const code = await run(["--help"], io);
    expect(code).toBe(0);
    for (const cmd of ["serve", "generate", "bench"]) expect(io.outText).toContain(cmd);
  });

  it("rejects an unknown command with exit code 1 and a reason", async () => {
    const io = captureIo();
    const code = await run(["frobnicate"], io);
    expect(code).toBe(1);
    expect(io.errText).toMatch(/unknown command 'frobnicate'/);
  });

  it("lists every serve flag the issue names in serve --help", async () => {
    const io = captureIo();
    expect(await run(["serve", "--help"], io)).toBe(0);
    for (const flag of [
      "--model",
      "--host",
      "--port",
      "--device",
      "--policy",
      "--max-num-seqs",
      "--max-num-batched-tokens",
      "--block-size",
      "--kv-cache-memory",
      "--gpu-memory-utilization",
      "--swap-space",
      "--no-prefix-caching",
      "--api-key",
      "--max-queue",
      "--chat-template",
      "--served-model-name",
    ]) {
      expect(io.outText).toContain(flag);
    }
  });

  it("ends a bad serve argument with exit code 1 and one line, no stack trace", async () => {
    const io = captureIo();
    expect(await run(["serve", "--port", "http"], io)).toBe(1);
    expect(io.errText).toBe('pagoda: --port must be an integer from 0 to 65535; got "http"\n');
  });
});
