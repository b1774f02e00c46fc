import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import {
  directoryFiles,
  openFileByteSource,
  resolveModel,
  writeSafetensorsFile,
} from "./node-only.browser.js";

describe("node-only.browser (what a page's bundle gets instead of the file system)", () => {
  it.each([
    ["directoryFiles", () => directoryFiles("/models/x")],
    ["resolveModel", () => resolveModel("org/name")],
    ["writeSafetensorsFile", () => writeSafetensorsFile("/tmp/a.safetensors")],
    ["openFileByteSource", () => openFileByteSource("/models/x.gguf")],
  ])("%s rejects with resolve.needs_node, naming the input and what to pass instead", async (_, call) => {
    const err = await call().catch((e: unknown) => e);
    expect(isPagodaError(err) && err.code).toBe("resolve.needs_node");
    expect(String((err as Error).message)).toMatch(/needs Node.*memoryFiles/);
  });
});
