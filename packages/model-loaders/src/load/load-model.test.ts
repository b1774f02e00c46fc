import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { f32ToBf16, f32ToF16 } from "@pagoda/numerics";
import { describe, expect, it } from "vitest";
import type { ModelFamily } from "../config/architectures.js";
import { memoryFiles } from "../files/model-files.js";
import { memoryByteSource } from "../safetensors/byte-source.js";
import type { FloatDType } from "../safetensors/dtype.js";
import { openSafetensors } from "../safetensors/safetensors-file.js";
import { qwen3TokenizerDir, storiesDir, TINY, tempDir } from "../testing/fixtures.js";
import { randomModelTensors } from "../tools/random-model.js";
import { writeRandomModel } from "../tools/write-random-model.js";
import { loadModel, loadModelWeights } from "./load-model.js";

describe("loadModel on stories260K", () => {
  it("loads config, lazy weights, tokenizer and generation config", async () => {
    const model = await loadModel(storiesDir());
    try {
      expect(model.dir).toBe(storiesDir());
      expect(model.config).toMatchObject({
        architecture: "llama",
        numLayers: 5,
        vocabSize: 512,
        tieWordEmbeddings: true,
      });
      expect(model.generationConfig.eosTokenIds).toEqual([2, 1]);
      expect(model.chatTemplate).toBeNull();
      expect(model.weights.layers).toHaveLength(5);
      expect(model.weights.lmHead).toBe(model.weights.embedTokens);
      expect(model.weights.layers[4]?.k.shape).toEqual([32, 64]);
      expect(model.tokenizer.encode("Once upon a time")).toEqual([1, 403, 407, 261, 378]);
      // The handle reads exactly the stored F32 bytes.
      const file = await openSafetensors(
        memoryByteSource("m", await readFile(join(storiesDir(), "model.safetensors"))),
      );
      const raw = await file.tensors.get("model.layers.2.mlp.down_proj.weight")?.read();
      const got = await model.weights.layers[2]?.down.read();
      expect(got).toEqual(raw);
      expect(got?.length).toBe(64 * 172);
      expect(got?.some((x) => x !== 0)).toBe(true);
    } finally {
      await model.close();
    }
  });

  it("loads the same model from in-memory files, as a browser would", async () => {
    const names = [
      "config.json",
      "generation_config.json",
      "model.safetensors",
      "tokenizer.json",
      "tokenizer_config.json",
    ];
    const contents = await Promise.all(names.map((n) => readFile(join(storiesDir(), n))));
    const files = memoryFiles(
      "stories260K",
      Object.fromEntries(
        names.map((n, i) => [
          n,
          n.endsWith(".json") ? new Response(contents[i]) : (contents[i] as Uint8Array),
        ]),
      ),
    );
    const model = await loadModel(files);
    expect(model.dir).toBe("stories260K");
    expect(model.tokenizer.encode("Once upon a time")).toEqual([1, 403, 407, 261, 378]);
    expect((await model.weights.finalNorm.read()).length).toBe(64);
    await model.close();
  });
});

// The stored 16-bit patterns (a reader that decodes exactly re-encodes to the same bits).
const stored = (dtype: FloatDType, x: Float32Array) =>
  dtype === "F32" ? x : dtype === "F16" ? f32ToF16(x) : f32ToBf16(x);

describe("random models of every architecture", () => {
  const cases: [ModelFamily, FloatDType, number][] = [
    ["llama", "F32", 1],
    ["mistral", "F16", 1],
    ["qwen2", "BF16", 3],
    ["qwen3", "BF16", 2],
  ];
  for (const [family, dtype, shards] of cases) {
    it(`writes and loads ${family} in ${dtype} (${shards} shard${shards > 1 ? "s" : ""})`, async () => {
      const dir = await tempDir();
      await writeRandomModel(dir, family, TINY, { dtype, seed: 7, shards, tokenizerFrom: storiesDir() });
      const model = await loadModel(dir);
      try {
        expect(model.config.architecture).toBe(family);
        expect(model.config.torchDtype).toBe({ F32: "float32", F16: "float16", BF16: "bfloat16" }[dtype]);
        expect(model.config.attentionBias).toBe(family === "qwen2");
        expect(model.config.qkNorm).toBe(family === "qwen3");
        expect(model.generationConfig.eosTokenIds).toEqual([2]);
        const layer = model.weights.layers[1];
        expect(layer?.q.dtype).toBe(dtype);
        expect(Boolean(layer?.qBias)).toBe(family === "qwen2");
        expect(Boolean(layer?.kNorm)).toBe(family === "qwen3");
        // Values read back equal the generator's, rounded to the storage dtype.
        const spec = randomModelTensors(family, TINY, { dtype, seed: 7 }).find(
          (t) => t.name === layer?.up.name,
        );
        if (typeof spec?.data !== "function") throw new Error("expected a lazily generated tensor");
        const want = spec.data() as Float32Array;
        const got = (await layer?.up.read()) as Float32Array;
        expect(stored(dtype, got)).toEqual(stored(dtype, want));
        if (dtype !== "F32") expect(got).not.toEqual(want); // really rounded to 16 bits
        expect(model.weights.lmHead).not.toBe(model.weights.embedTokens);
      } finally {
        await model.close();
      }
    });
  }

  it("is deterministic per seed", async () => {
    const [a, b] = [await tempDir(), await tempDir()];
    await writeRandomModel(a, "llama", TINY, { seed: 3 });
    await writeRandomModel(b, "llama", TINY, { seed: 3 });
    const [fa, fb] = await Promise.all([
      readFile(join(a, "model.safetensors")),
      readFile(join(b, "model.safetensors")),
    ]);
    expect(fa.equals(fb)).toBe(true);
    const w = await loadModelWeights(a);
    const norm = await w.weights.layers[0]?.inputNorm.read();
    expect(norm?.every((x) => x > 0.89 && x < 1.11)).toBe(true);
    await w.close();
  });

  it("loads a tiny Qwen3 with the real Qwen3 tokenizer and chat template", async () => {
    const dir = await tempDir();
    const shapes = { ...TINY, hiddenSize: 8, headDim: 4, numHeads: 2, numKvHeads: 1, intermediateSize: 16 };
    await writeRandomModel(
      dir,
      "qwen3",
      {
        ...shapes,
        vocabSize: 151936,
        tieWordEmbeddings: true,
        bosTokenId: null,
        eosTokenIds: [151645, 151643],
      },
      {
        dtype: "BF16",
        tokenizerFrom: qwen3TokenizerDir(),
      },
    );
    const model = await loadModel(dir);
    expect(model.tokenizer.encode("The future of artificial intelligence is")).toEqual([
      785, 3853, 315, 20443, 11229, 374,
    ]);
    expect(model.chatTemplate?.render([{ role: "user", content: "Hi" }], { addGenerationPrompt: true })).toBe(
      "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
    );
    expect(model.generationConfig.eosTokenIds).toEqual([151645, 151643]);
    expect((await model.weights.lmHead.read()).length).toBe(151936 * 8);
    await model.close();
  }, 30_000);
});
