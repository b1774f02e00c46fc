import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel } from "../load/load-model.js";
import { qwen3TokenizerDir, storiesDir, tempDir } from "../testing/fixtures.js";
import { writeGguf } from "../tools/gguf/write-gguf.js";
import { writeRandomModel } from "../tools/write-random-model.js";

const TEXTS = [
  "Once upon a time, there was a little girl named Lily.",
  "  two  spaces, tabs\tand\nnew lines!  ",
  "Numbers 1234567 and punctuation: (a+b)=c; \"quoted\" 'text' ... ünïcödé 日本語 🙂",
  "",
];

describe("loadModel(x.gguf)", { timeout: 60_000 }, () => {
  it("stories260K through writeGguf: same config, weights, tokens and defaults as the folder", async () => {
    const dir = await tempDir();
    for (const type of ["f32", "f16"] as const) {
      const path = join(dir, `stories-${type}.gguf`);
      await writeGguf(storiesDir(), path, { type });
      const [folder, gguf] = await Promise.all([loadModel(storiesDir()), loadModel(path)]);
      try {
        expect(gguf.config).toEqual({ ...folder.config, torchDtype: null });
        for (const text of TEXTS) {
          expect(gguf.tokenizer.encode(text)).toEqual(folder.tokenizer.encode(text));
          const ids = folder.tokenizer.encode(text);
          expect(gguf.tokenizer.decode(ids, { skipSpecialTokens: true })).toBe(
            folder.tokenizer.decode(ids, { skipSpecialTokens: true }),
          );
        }
        expect(gguf.generationConfig.eosTokenIds).toEqual([2]);
        expect(gguf.generationConfig.bosTokenId).toBe(1);
        const [a, b] = [folder.weights.layers[2], gguf.weights.layers[2]];
        if (!a || !b) throw new Error("no layer 2");
        // q/k come back in Hugging Face's order (the writer permuted them for llama.cpp).
        for (const key of ["q", "k", "v", "o", "down", "inputNorm"] as const) {
          const want = await a[key].read();
          const got = await b[key].read();
          if (type === "f32" || key === "inputNorm") expect(got).toEqual(want);
          else
            for (let i = 0; i < want.length; i++)
              expect(Math.abs((got[i] as number) - (want[i] as number))).toBeLessThan(1e-3);
          expect(b[key].shape).toEqual(a[key].shape);
        }
        expect(gguf.weights.lmHead).toBe(gguf.weights.embedTokens);
      } finally {
        await Promise.all([folder.close(), gguf.close()]);
      }
    }
  });

  it("qwen3 with Qwen3's byte-level BPE: tokens, chat template and q/k norms", async () => {
    const dir = await tempDir();
    const shapes = {
      hiddenSize: 16,
      numLayers: 1,
      numHeads: 2,
      numKvHeads: 1,
      headDim: 16,
      intermediateSize: 24,
      vocabSize: 151_936,
      tieWordEmbeddings: false,
      eosTokenIds: [151_645],
    };
    await writeRandomModel(dir, "qwen3", shapes, { tokenizerFrom: qwen3TokenizerDir() });
    const path = join(dir, "q.gguf");
    await writeGguf(dir, path, { type: "f32" });
    const [folder, gguf] = await Promise.all([loadModel(dir), loadModel(path)]);
    try {
      expect(gguf.config).toMatchObject({
        architecture: "qwen3",
        headDim: 16,
        qkNorm: true,
        tieWordEmbeddings: false,
      });
      const texts = [...TEXTS, "<|im_start|>user\nHi<|im_end|>\n<think>\n\n</think>"];
      for (const text of texts) expect(gguf.tokenizer.encode(text)).toEqual(folder.tokenizer.encode(text));
      const messages = [{ role: "user", content: "Hello" }];
      expect(gguf.chatTemplate?.render(messages, { addGenerationPrompt: true })).toBe(
        folder.chatTemplate?.render(messages, { addGenerationPrompt: true }),
      );
      expect(await gguf.weights.layers[0]?.qNorm?.read()).toEqual(
        await folder.weights.layers[0]?.qNorm?.read(),
      );
      expect(await gguf.weights.lmHead.read()).toEqual(await folder.weights.lmHead.read());
      expect(JSON.parse(await readFile(join(dir, "config.json"), "utf8")).vocab_size).toBe(
        gguf.config.vocabSize,
      );
    } finally {
      await Promise.all([folder.close(), gguf.close()]);
    }
  });

  it("a .gguf path that does not exist is resolve.not_found", async () => {
    await expect(loadModel("/no/such/model.gguf")).rejects.toMatchObject({
      code: "resolve.not_found",
      message: "no GGUF file at /no/such/model.gguf",
    });
  });
});
