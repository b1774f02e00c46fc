import { describe, expect, it } from "vitest";
import type { ModelWeights } from "../config/model-weights.js";
import { loadModelWeights } from "../load/load-model.js";
import type { TensorHandle } from "../safetensors/tensor-handle.js";
import { storiesDir, tempDir } from "../testing/fixtures.js";
import type { RandomModelShapes } from "../tools/random-model.js";
import { writeRandomModel } from "../tools/write-random-model.js";
import { dequantize } from "./dequantize.js";
import { quantRowBytes } from "./quant-types.js";
import { quantize } from "./quantize.js";
import { quantizeWeights } from "./quantize-weights.js";

// Rows of 256 (hidden) and 512 (intermediate) fit every format.
const SHAPES: RandomModelShapes = {
  hiddenSize: 256,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 64,
  intermediateSize: 512,
  vocabSize: 96,
};

async function randomWeights(tied: boolean) {
  const dir = await tempDir();
  await writeRandomModel(dir, "qwen2", { ...SHAPES, tieWordEmbeddings: tied }, { seed: 5 });
  return loadModelWeights(dir);
}

const dtypes = (w: ModelWeights) => ({
  embedTokens: w.embedTokens.dtype,
  lmHead: w.lmHead.dtype,
  layer: Object.fromEntries(
    Object.entries(w.layers[0] ?? {}).map(([k, h]) => [k, (h as TensorHandle).dtype]),
  ),
});

describe("quantizeWeights", () => {
  it("q4_k: matrices Q4_K, the LM head Q6_K, norms and biases the same handles", async () => {
    const { config, weights, close } = await randomWeights(false);
    try {
      const q = quantizeWeights(weights, config, "q4_k");
      expect(dtypes(q)).toEqual({
        embedTokens: "Q4_K",
        lmHead: "Q6_K",
        layer: {
          inputNorm: "F32",
          q: "Q4_K",
          k: "Q4_K",
          v: "Q4_K",
          o: "Q4_K",
          qBias: "F32",
          kBias: "F32",
          vBias: "F32",
          postAttnNorm: "F32",
          gate: "Q4_K",
          up: "Q4_K",
          down: "Q4_K",
        },
      });
      const [l, orig] = [q.layers[1], weights.layers[1]];
      expect(l?.inputNorm).toBe(orig?.inputNorm);
      expect(l?.qBias).toBe(orig?.qBias);
      expect(q.finalNorm).toBe(weights.finalNorm);
      expect(l?.down.shape).toEqual([256, 512]);
      expect(l?.down.byteLength).toBe(256 * quantRowBytes("Q4_K", 512));
      expect(q.lmHead.byteLength).toBe(96 * quantRowBytes("Q6_K", 256));
    } finally {
      await close();
    }
  });

  it("readRaw() is quantize(original), read() is dequantize(readRaw()), also into a larger buffer", async () => {
    const { config, weights, close } = await randomWeights(false);
    try {
      const q = quantizeWeights(weights, config, "q4_0");
      const [layer, source] = [q.layers[0], weights.layers[0]];
      if (!layer || !source) throw new Error("no layer 0");
      const handle = layer.gate;
      const original = await source.gate.read();
      const raw = await handle.readRaw();
      expect(raw).toEqual(quantize("Q4_0", original, 256));
      const values = await handle.read();
      expect(values).toEqual(dequantize("Q4_0", raw, new Float32Array(original.length)));
      const staging = new Float32Array(original.length + 10);
      expect(await handle.read(staging)).toEqual(values);
      await expect(handle.read(new Float32Array(5))).rejects.toMatchObject({ code: "quant.bad_length" });
      // Q4_0 of weights uniform in ±1/16: every value within |d| = amax/8 of the original.
      let worst = 0;
      for (let i = 0; i < values.length; i++) {
        worst = Math.max(worst, Math.abs((values[i] as number) - (original[i] as number)));
      }
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(1 / 16 / 8 + 1e-4);
    } finally {
      await close();
    }
  });

  it("q4_k keeps a tied embedding tied, as one Q6_K handle", async () => {
    const { config, weights, close } = await randomWeights(true);
    try {
      const q = quantizeWeights(weights, config, "q4_k");
      expect(q.lmHead).toBe(q.embedTokens);
      expect(q.embedTokens.dtype).toBe("Q6_K");
    } finally {
      await close();
    }
  });

  it("stories260K: rows of 64 fall back from Q4_K to Q8_0; rows of 172 stay as stored", async () => {
    const { config, weights, close } = await loadModelWeights(storiesDir());
    try {
      for (const scheme of ["q8_0", "q4_0", "q4_k"] as const) {
        const q = quantizeWeights(weights, config, scheme);
        const want = scheme === "q4_0" ? "Q4_0" : "Q8_0";
        expect(q.layers[0]?.q.dtype).toBe(want);
        expect(q.layers[0]?.gate.dtype).toBe(want);
        expect(q.layers[0]?.down).toBe(weights.layers[0]?.down);
        expect(q.lmHead).toBe(q.embedTokens);
        expect(q.embedTokens.dtype).toBe(want);
      }
    } finally {
      await close();
    }
  });

  it("rejects an unknown scheme", async () => {
    const { config, weights, close } = await randomWeights(false);
    try {
      expect(() => quantizeWeights(weights, config, "q5_k" as "q4_k")).toThrow(
        expect.objectContaining({ code: "quant.bad_scheme" }),
      );
    } finally {
      await close();
    }
  });
});
