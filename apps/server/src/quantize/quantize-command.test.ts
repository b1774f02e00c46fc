import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultModel } from "../default-model.js";
import { run } from "../program.js";
import { captureIo } from "../testing/capture-io.js";

/** The ggml type code of each tensor of a GGUF file, read from its header by hand. */
function tensorTypes(bytes: Uint8Array): Map<string, number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const numTensors = Number(view.getBigUint64(8, true));
  const types = new Map<string, number>();
  // Skip to the tensor infos by finding the first tensor name; names are ASCII and unique.
  const text = new TextDecoder("latin1").decode(bytes);
  let at = text.indexOf("token_embd.weight") - 8;
  for (let i = 0; i < numTensors; i++) {
    const nameLength = Number(view.getBigUint64(at, true));
    const name = text.slice(at + 8, at + 8 + nameLength);
    at += 8 + nameLength;
    const dims = view.getUint32(at, true);
    at += 4 + 8 * dims;
    types.set(name, view.getUint32(at, true));
    at += 4 + 8;
  }
  return types;
}

describe("pagoda quantize", () => {
  // 1 embedding (tied: no output.weight) + 5 layers × 9 + the final norm = 47 tensors.
  it("writes stories260K as a Q8_0 GGUF (rows of 172 as F16)", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "pagoda-quantize-")), "stories-q8_0.gguf");
    const io = captureIo();
    expect(await run(["quantize", defaultModel(), out, "--type", "q8_0"], io)).toBe(0);
    expect(io.outText).toMatch(/^wrote .*stories-q8_0\.gguf: q8_0, 47 tensors, [\d.]+ MiB in [\d.]+ s\n$/);
    const bytes = new Uint8Array(await readFile(out));
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("GGUF");
    const types = tensorTypes(bytes);
    expect(types.get("token_embd.weight")).toBe(8);
    expect(types.get("blk.0.attn_v.weight")).toBe(8);
    expect(types.get("blk.0.ffn_down.weight")).toBe(1);
    expect(types.get("blk.0.attn_norm.weight")).toBe(0);
  });

  it("rejects an unknown --type in one line, exit code 1", async () => {
    const io = captureIo();
    expect(await run(["quantize", defaultModel(), "/tmp/never.gguf", "--type", "q5_k"], io)).toBe(1);
    expect(io.errText).toBe('pagoda: --type must be q8_0, q4_0, q4_k; got "q5_k"\n');
  });

  it("rejects a missing model folder in one line, exit code 1", async () => {
    const io = captureIo();
    const missing = join(tmpdir(), "pagoda-no-such-model");
    expect(await run(["quantize", missing, "/tmp/never.gguf", "--type", "q4_k"], io)).toBe(1);
    expect(io.errText).toMatch(/^pagoda: no model folder at .*pagoda-no-such-model.*\n$/);
    expect(io.errText.trim().split("\n")).toHaveLength(1);
  });
});
