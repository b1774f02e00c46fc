import { cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModelWeights } from "../../load/load-model.js";
import { dequantize } from "../../quant/dequantize.js";
import { quantRowBytes } from "../../quant/quant-types.js";
import { quantize } from "../../quant/quantize.js";
import { storiesDir, tempDir } from "../../testing/fixtures.js";
import { type GgufFile, readGguf } from "../../testing/read-gguf.js";
import { writeRandomModel } from "../write-random-model.js";
import { permuteRotaryRows } from "./permute-qk.js";
import { type WriteGgufType, writeGguf } from "./write-gguf.js";

// Rows of 256 and 512: every block format fits.
async function llama256() {
  const dir = await tempDir();
  const shapes = {
    hiddenSize: 256,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    intermediateSize: 512,
    vocabSize: 512,
  };
  await writeRandomModel(dir, "llama", shapes, { seed: 11, tokenizerFrom: storiesDir() });
  return dir;
}

async function convert(dir: string, type: WriteGgufType): Promise<GgufFile> {
  const out = join(dir, `model-${type}.gguf`);
  const result = await writeGguf(dir, out, { type });
  const bytes = new Uint8Array(await readFile(out));
  expect(result.bytes).toBe(bytes.length);
  return await readGguf(bytes);
}

const typeOf = (f: GgufFile, name: string) => f.tensors.find((t) => t.name === name)?.type;

describe("writeGguf: quantized types", () => {
  it("q4_k writes Q4_K matrices, output.weight as Q6_K, F32 norms and file type MOSTLY_Q4_K_M", async () => {
    const dir = await llama256();
    const f = await convert(dir, "q4_k");
    expect(f.metadata.get("general.file_type")?.value).toBe(15);
    expect(typeOf(f, "token_embd.weight")).toBe(12);
    expect(typeOf(f, "blk.0.attn_q.weight")).toBe(12);
    expect(typeOf(f, "blk.1.ffn_down.weight")).toBe(12);
    expect(typeOf(f, "output.weight")).toBe(14);
    expect(typeOf(f, "blk.0.attn_norm.weight")).toBe(0);
    // The data section ends exactly after the last tensor, padded: the header's sizes are right.
    const last = f.tensors.at(-1);
    expect(last?.name).toBe("output.weight");
    expect(f.bytes.length).toBe(f.dataStart + (last?.offset ?? 0) + Math.ceil((512 * 210) / 32) * 32);
  });

  it("packed data is quantize() of the source; q/k permute whole packed rows and dequantize close to the source", async () => {
    const dir = await llama256();
    const f = await convert(dir, "q4_k");
    const { weights, close } = await loadModelWeights(dir);
    try {
      const layer = weights.layers[1];
      if (!layer) throw new Error("no layer 1");
      expect(f.data("blk.1.attn_v.weight")).toEqual(quantize("Q4_K", await layer.v.read(), 256));
      expect(f.data("output.weight")).toEqual(quantize("Q6_K", await weights.lmHead.read(), 256));
      const q = await layer.q.read();
      const rowBytes = quantRowBytes("Q4_K", 256);
      expect(f.data("blk.1.attn_q.weight")).toEqual(permuteRotaryRows(quantize("Q4_K", q, 256), 4, rowBytes));
      // Read back: dequantized rows against the source's rows in GGML's order. Weights are uniform
      // in ±1/16, so a super-block's range is at most 1/8 and Q4_K's error at most 1/8/12 (quantize.test.ts).
      const permutedSource = new Float32Array(permuteRotaryRows(new Uint8Array(q.buffer), 4, 256 * 4).buffer);
      const back = dequantize("Q4_K", f.data("blk.1.attn_q.weight"), new Float32Array(q.length));
      let worst = 0;
      for (let i = 0; i < q.length; i++)
        worst = Math.max(worst, Math.abs((back[i] as number) - (permutedSource[i] as number)));
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(1 / 8 / 12);
    } finally {
      await close();
    }
  });

  it.each([
    ["q8_0", 7, 8],
    ["q4_0", 2, 2],
  ] as const)("%s: every matrix in the format, file type %i", async (type, fileType, code) => {
    const f = await convert(await llama256(), type);
    expect(f.metadata.get("general.file_type")?.value).toBe(fileType);
    for (const t of f.tensors) expect(t.type).toBe(t.dims.length === 1 ? 0 : code);
  });

  it("stories260K q4_k: rows of 64 fall back to Q8_0, rows of 172 to F16; the tied embedding is written once", async () => {
    const dir = await tempDir();
    await cp(storiesDir(), dir, { recursive: true });
    const f = await convert(dir, "q4_k");
    expect(typeOf(f, "token_embd.weight")).toBe(8);
    expect(typeOf(f, "blk.0.attn_q.weight")).toBe(8);
    expect(typeOf(f, "blk.4.ffn_gate.weight")).toBe(8);
    expect(typeOf(f, "blk.4.ffn_down.weight")).toBe(1);
    expect(f.tensors.map((t) => t.name)).not.toContain("output.weight");
  });

  it("rejects an unknown type before reading the folder", async () => {
    await expect(writeGguf("/nonexistent", "/tmp/x.gguf", { type: "q5_k" as "q4_k" })).rejects.toMatchObject({
      code: "quant.bad_scheme",
    });
  });
});
