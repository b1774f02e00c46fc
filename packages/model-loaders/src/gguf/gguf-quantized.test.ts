import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadGgufModel } from "../load/load-gguf.js";
import { loadModel } from "../load/load-model.js";
import { dequantize } from "../quant/dequantize.js";
import type { QuantType } from "../quant/quant-types.js";
import { quantize } from "../quant/quantize.js";
import { memoryByteSource } from "../safetensors/byte-source.js";
import { storiesDir, tempDir } from "../testing/fixtures.js";
import { rewriteGguf } from "../testing/gguf-bytes.js";
import { GGML_TYPE_CODES } from "../tools/gguf/gguf-types.js";
import { writeGguf } from "../tools/gguf/write-gguf.js";
import { writeRandomModel } from "../tools/write-random-model.js";

// Rows of 256 so every format packs: a llama file whose q/k (permuted for llama.cpp) and other
// matrices are quantized must read back as the Hugging Face rows, quantized the same way.
const SHAPES = {
  hiddenSize: 256,
  numLayers: 1,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 64,
  intermediateSize: 256,
  vocabSize: 512,
  maxPositionEmbeddings: 128,
  bosTokenId: 1,
  eosTokenIds: [2],
};
const TYPES: Record<string, QuantType> = {
  "blk.0.attn_q.weight": "Q4_K",
  "blk.0.attn_k.weight": "Q6_K",
  "blk.0.attn_v.weight": "Q4_0",
  "blk.0.ffn_down.weight": "Q8_0",
};

describe("a quantized llama GGUF", { timeout: 60_000 }, () => {
  it("reads Q4_K / Q6_K / Q4_0 / Q8_0 matrices with q/k rows moved back as packed rows", async () => {
    const dir = await tempDir();
    await writeRandomModel(dir, "llama", SHAPES, { seed: 9, tokenizerFrom: storiesDir() });
    await writeGguf(dir, join(dir, "f32.gguf"), { type: "f32" });
    const f32 = new Uint8Array(await readFile(join(dir, "f32.gguf")));
    const bytes = await rewriteGguf(
      f32,
      (kvs) => kvs,
      (tensors) =>
        tensors.map((t) => {
          const type = TYPES[t.name];
          if (!type) return t;
          const values = new Float32Array(t.data.slice().buffer);
          return { ...t, type: GGML_TYPE_CODES[type], data: quantize(type, values, 256) };
        }),
    );
    const [folder, gguf] = await Promise.all([
      loadModel(dir),
      loadGgufModel(memoryByteSource("q.gguf", bytes)),
    ]);
    try {
      const [a, b] = [folder.weights.layers[0], gguf.weights.layers[0]];
      if (!a || !b) throw new Error("no layer 0");
      for (const [key, type] of [
        ["q", "Q4_K"],
        ["k", "Q6_K"],
        ["v", "Q4_0"],
        ["down", "Q8_0"],
      ] as const) {
        const packed = quantize(type, await a[key].read(), 256);
        expect(b[key].dtype).toBe(type);
        expect(b[key].shape).toEqual(a[key].shape);
        expect(b[key].byteLength).toBe(packed.length);
        expect(await b[key].readRaw()).toEqual(packed);
        expect(await b[key].read()).toEqual(dequantize(type, packed, new Float32Array(a[key].numel)));
      }
      expect(await b.up.read()).toEqual(await a.up.read());
    } finally {
      await Promise.all([folder.close(), gguf.close()]);
    }
  });
});
