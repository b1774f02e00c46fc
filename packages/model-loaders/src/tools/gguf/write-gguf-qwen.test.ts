import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModelWeights } from "../../load/load-model.js";
import { qwen3TokenizerDir, TINY, tempDir } from "../../testing/fixtures.js";
import { readGguf } from "../../testing/read-gguf.js";
import { writeRandomModel } from "../write-random-model.js";
import { writeGguf } from "./write-gguf.js";

// Qwen2 / Qwen3 use NEOX RoPE in llama.cpp, so their q/k rows are written as they are.

// Qwen3's real tokenizer (151,936 tokens) makes these the slow ones on a loaded machine.
describe("writeGguf: Qwen", { timeout: 60_000 }, () => {
  it("qwen3: q/k norms, key_length when head_dim differs, no permutation, Qwen3's byte-level BPE", async () => {
    const dir = await tempDir();
    const shapes = {
      hiddenSize: 16,
      numLayers: 1,
      numHeads: 2,
      numKvHeads: 1,
      headDim: 16,
      intermediateSize: 24,
      vocabSize: 151_936,
      tieWordEmbeddings: true,
      eosTokenIds: [151_645],
    };
    await writeRandomModel(dir, "qwen3", shapes, { tokenizerFrom: qwen3TokenizerDir() });
    const out = join(dir, "q.gguf");
    await writeGguf(dir, out, { type: "f32" });
    const f = await readGguf(new Uint8Array(await readFile(out)));
    const meta = (key: string) => f.metadata.get(key)?.value;
    expect(meta("general.architecture")).toBe("qwen3");
    expect(meta("qwen3.attention.key_length")).toBe(16);
    expect(meta("qwen3.attention.value_length")).toBe(16);
    expect(meta("qwen3.embedding_length")).toBe(16);
    const names = f.tensors.map((t) => t.name);
    expect(names).toContain("blk.0.attn_q_norm.weight");
    expect(names).toContain("blk.0.attn_k_norm.weight");
    expect(names).not.toContain("output.weight");
    const { weights, close } = await loadModelWeights(dir);
    try {
      expect(f.data("blk.0.attn_q.weight")).toEqual(await weights.layers[0]?.q.readRaw());
      expect(f.data("blk.0.attn_k.weight")).toEqual(await weights.layers[0]?.k.readRaw());
    } finally {
      await close();
    }
    const tokenizer = JSON.parse(await readFile(join(qwen3TokenizerDir(), "tokenizer.json"), "utf8"));
    const tokens = meta("tokenizer.ggml.tokens") as string[];
    const types = meta("tokenizer.ggml.token_type") as number[];
    const merges = meta("tokenizer.ggml.merges") as string[];
    expect(meta("tokenizer.ggml.model")).toBe("gpt2");
    expect(meta("tokenizer.ggml.pre")).toBe("qwen2");
    expect(tokens).toHaveLength(151_936); // padded to the embedding rows
    const the = "Ġthe";
    expect(tokens[tokenizer.model.vocab[the]]).toBe(the);
    expect(tokens[151_645]).toBe("<|im_end|>");
    expect(types[151_645]).toBe(3); // control
    expect(types[151_668]).toBe(4); // </think>: added, not special
    expect(tokens[151_700]).toBe("[PAD151700]");
    expect(types[151_700]).toBe(5); // unused
    expect(merges).toHaveLength(tokenizer.model.merges.length);
    expect(merges[0]).toBe("Ġ Ġ");
    expect(f.metadata.has("tokenizer.ggml.scores")).toBe(false);
    expect(f.metadata.has("tokenizer.ggml.bos_token_id")).toBe(false);
    expect(meta("tokenizer.ggml.eos_token_id")).toBe(151_645);
    expect(meta("tokenizer.ggml.padding_token_id")).toBe(151_643);
    expect(meta("tokenizer.ggml.add_bos_token")).toBe(false);
    expect(String(meta("tokenizer.chat_template"))).toContain("<|im_start|>");
  });

  it("qwen2: q/k/v biases as F32 vectors, unpermuted", async () => {
    const dir = await tempDir();
    await writeRandomModel(dir, "qwen2", TINY, { dtype: "BF16", tokenizerFrom: qwen3TokenizerDir() });
    // TINY's 512 rows cannot hold Qwen's 151,669 tokens: the writer says so.
    await expect(writeGguf(dir, join(dir, "x.gguf"), { type: "f16" })).rejects.toMatchObject({
      code: "tokenizer.vocab_mismatch",
      message: expect.stringMatching(/vocab_size 512/),
    });
    const big = await tempDir();
    await writeRandomModel(
      big,
      "qwen2",
      { ...TINY, vocabSize: 151_936 },
      {
        dtype: "BF16",
        tokenizerFrom: qwen3TokenizerDir(),
      },
    );
    const out = join(big, "q2.gguf");
    await writeGguf(big, out, { type: "f16" });
    const f = await readGguf(new Uint8Array(await readFile(out)));
    expect(f.metadata.get("general.architecture")?.value).toBe("qwen2");
    const bias = f.tensors.find((t) => t.name === "blk.1.attn_q.bias");
    expect(bias).toMatchObject({ dims: [24], type: 0 });
    const { weights, close } = await loadModelWeights(big);
    try {
      const q = await weights.layers[1]?.qBias?.read();
      expect(new Float32Array(f.data("blk.1.attn_q.bias").slice().buffer)).toEqual(q);
    } finally {
      await close();
    }
  });
});
