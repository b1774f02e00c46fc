import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { f16BitsToF32, f32ToF16 } from "@pagoda/numerics";
import { describe, expect, it } from "vitest";
import { loadModelWeights } from "../../load/load-model.js";
import { storiesDir, TINY, tempDir } from "../../testing/fixtures.js";
import { type GgufFile, readGguf } from "../../testing/read-gguf.js";
import { writeRandomModel } from "../write-random-model.js";
import { permuteRotaryRows } from "./permute-qk.js";
import { writeGguf } from "./write-gguf.js";

async function tinyLlama(options: { tied?: boolean } = {}) {
  const dir = await tempDir();
  await writeRandomModel(
    dir,
    "llama",
    { ...TINY, tieWordEmbeddings: options.tied ?? false },
    { seed: 3, tokenizerFrom: storiesDir() },
  );
  return dir;
}

async function convert(dir: string, type: "f32" | "f16"): Promise<GgufFile> {
  const out = join(dir, `model-${type}.gguf`);
  await writeGguf(dir, out, { type });
  return await readGguf(new Uint8Array(await readFile(out)));
}

const meta = (f: GgufFile, key: string) => f.metadata.get(key)?.value;
const f32 = (b: Uint8Array) => new Float32Array(b.slice().buffer);

describe("writeGguf: a tiny Llama", () => {
  it("writes the header, the hyperparameters llama.cpp reads, and aligned tensor infos", async () => {
    const dir = await tinyLlama();
    const out = join(dir, "m.gguf");
    const result = await writeGguf(dir, out, { type: "f32", name: "tiny" });
    const bytes = new Uint8Array(await readFile(out));
    const f = await readGguf(bytes);
    expect(f.version).toBe(3);
    expect(result).toEqual({ architecture: "llama", numTensors: 2 + 2 * 9 + 1, bytes: bytes.length });
    expect(f.tensors).toHaveLength(21);
    expect(meta(f, "general.architecture")).toBe("llama");
    expect(meta(f, "general.name")).toBe("tiny");
    expect(meta(f, "general.file_type")).toBe(0);
    expect(meta(f, "general.alignment")).toBe(32);
    expect(meta(f, "llama.context_length")).toBe(256);
    expect(meta(f, "llama.embedding_length")).toBe(24);
    expect(meta(f, "llama.block_count")).toBe(2);
    expect(meta(f, "llama.feed_forward_length")).toBe(40);
    expect(meta(f, "llama.attention.head_count")).toBe(4);
    expect(meta(f, "llama.attention.head_count_kv")).toBe(2);
    expect(meta(f, "llama.attention.layer_norm_rms_epsilon")).toBe(1e-6); // f32, read as the shortest decimal
    expect(meta(f, "llama.rope.freq_base")).toBe(10000);
    expect(meta(f, "llama.vocab_size")).toBe(512);
    expect(f.metadata.has("llama.attention.key_length")).toBe(false); // head_dim 6 = 24 / 4
    expect(f.metadata.get("llama.attention.layer_norm_rms_epsilon")?.type).toBe(6); // f32
    expect(f.metadata.get("llama.block_count")?.type).toBe(4); // u32
    for (const t of f.tensors) expect(t.offset % 32).toBe(0);
    expect(f.dataStart % 32).toBe(0);
    const last = f.tensors.at(-1);
    expect(last?.name).toBe("output.weight");
    expect(bytes.length).toBe(f.dataStart + (last?.offset ?? 0) + Math.ceil((512 * 24 * 4) / 32) * 32);
    expect(f.tensors.slice(0, 10).map((t) => [t.name, t.dims, t.type])).toEqual([
      ["token_embd.weight", [24, 512], 0],
      ["blk.0.attn_norm.weight", [24], 0],
      ["blk.0.attn_q.weight", [24, 24], 0],
      ["blk.0.attn_k.weight", [24, 12], 0],
      ["blk.0.attn_v.weight", [24, 12], 0],
      ["blk.0.attn_output.weight", [24, 24], 0],
      ["blk.0.ffn_norm.weight", [24], 0],
      ["blk.0.ffn_gate.weight", [24, 40], 0],
      ["blk.0.ffn_up.weight", [24, 40], 0],
      ["blk.0.ffn_down.weight", [40, 24], 0],
    ]);
  });

  it("F32 data round-trips exactly, with q/k rows permuted for GGML's RoPE", async () => {
    const dir = await tinyLlama();
    const f = await convert(dir, "f32");
    const { weights, close } = await loadModelWeights(dir);
    try {
      const layer = weights.layers[1];
      if (!layer) throw new Error("no layer 1");
      expect(f.data("token_embd.weight")).toEqual(await weights.embedTokens.readRaw());
      expect(f.data("blk.1.attn_v.weight")).toEqual(await layer.v.readRaw());
      expect(f.data("blk.1.ffn_down.weight")).toEqual(await layer.down.readRaw());
      expect(f.data("output.weight")).toEqual(await weights.lmHead.readRaw());
      expect(f.data("blk.1.attn_q.weight")).toEqual(permuteRotaryRows(await layer.q.readRaw(), 4, 24 * 4));
      expect(f.data("blk.1.attn_k.weight")).toEqual(permuteRotaryRows(await layer.k.readRaw(), 2, 24 * 4));
      expect(f.data("blk.1.attn_q.weight")).not.toEqual(await layer.q.readRaw());
    } finally {
      await close();
    }
  });

  it("F16 matrices are the source rounded to F16, norms stay F32", async () => {
    const dir = await tinyLlama();
    const f = await convert(dir, "f16");
    expect(meta(f, "general.file_type")).toBe(1);
    const types = Object.fromEntries(f.tensors.map((t) => [t.name, t.type]));
    expect(types["token_embd.weight"]).toBe(1);
    expect(types["blk.0.ffn_up.weight"]).toBe(1);
    expect(types["blk.0.attn_norm.weight"]).toBe(0);
    expect(types["output_norm.weight"]).toBe(0);
    const { weights, close } = await loadModelWeights(dir);
    try {
      const up = await weights.layers[0]?.up.read();
      if (!up) throw new Error("no layer 0");
      const stored = new Uint16Array(f.data("blk.0.ffn_up.weight").slice().buffer);
      expect(stored).toEqual(f32ToF16(up));
      for (let i = 0; i < up.length; i++) {
        const x = up[i] as number;
        expect(Math.abs(f16BitsToF32(stored[i] as number) - x)).toBeLessThanOrEqual(
          Math.abs(x) * 2 ** -11 + 2 ** -25,
        );
      }
      expect(f32(f.data("output_norm.weight"))).toEqual(await weights.finalNorm.read());
    } finally {
      await close();
    }
  });

  it("leaves out output.weight when the embeddings are tied", async () => {
    const f = await convert(await tinyLlama({ tied: true }), "f32");
    expect(f.tensors.map((t) => t.name)).not.toContain("output.weight");
    expect(f.tensors.at(-1)?.name).toBe("output_norm.weight");
  });

  it("carries stories260K's SentencePiece-style tokenizer as llama.cpp's `llama` model", async () => {
    const dir = await tinyLlama();
    await writeFile(join(dir, "chat_template.jinja"), "{{ bos_token }}{{ messages[0]['content'] }}");
    const f = await convert(dir, "f32");
    const tokenizer = JSON.parse(await readFile(join(storiesDir(), "tokenizer.json"), "utf8"));
    const tokens = meta(f, "tokenizer.ggml.tokens") as string[];
    const types = meta(f, "tokenizer.ggml.token_type") as number[];
    const scores = meta(f, "tokenizer.ggml.scores") as number[];
    expect(meta(f, "tokenizer.ggml.model")).toBe("llama");
    expect(tokens).toHaveLength(512);
    for (const [text, id] of Object.entries(tokenizer.model.vocab as Record<string, number>)) {
      expect(tokens[id]).toBe(text);
    }
    expect(types.slice(0, 5)).toEqual([2, 3, 3, 6, 6]); // <unk>, <s>, </s>, <0x00>, <0x01>
    expect(tokens[3]).toBe("<0x00>");
    // Merge r makes its token score -r, so llama.cpp merges in Hugging Face's order.
    const [a, b] = (tokenizer.model.merges[1] as string).split(" ") as [string, string];
    expect(scores[tokenizer.model.vocab[a + b]]).toBe(-1);
    expect(meta(f, "tokenizer.ggml.bos_token_id")).toBe(1);
    expect(meta(f, "tokenizer.ggml.eos_token_id")).toBe(2);
    expect(meta(f, "tokenizer.ggml.unknown_token_id")).toBe(0);
    expect(meta(f, "tokenizer.ggml.add_bos_token")).toBe(true);
    expect(meta(f, "tokenizer.chat_template")).toBe("{{ bos_token }}{{ messages[0]['content'] }}");
  });

  it("writes llama3 RoPE scaling as rope_freqs.weight", async () => {
    const dir = await tinyLlama();
    const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8"));
    config.rope_scaling = {
      rope_type: "llama3",
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 512,
    };
    await writeFile(join(dir, "config.json"), JSON.stringify(config));
    const f = await convert(dir, "f16");
    const t = f.tensors.find((x) => x.name === "rope_freqs.weight");
    expect(t).toMatchObject({ dims: [3], type: 0 });
    // Wavelengths 2π·10000^(2i/6) ≈ 6.3, 135 and 2916 against 512/4 = 128 and 512/1 = 512: the
    // first is kept, the last divided by the factor, the middle one blended (HF's formula for the
    // new frequency, inverted: llama.cpp divides by the stored value).
    const f1 = 10000 ** (-2 / 6);
    const smooth = (512 / ((2 * Math.PI) / f1) - 1) / (4 - 1);
    const blended = f1 / ((1 - smooth) * (f1 / 8) + smooth * f1);
    const stored = [...f32(f.data("rope_freqs.weight"))];
    expect(stored[0]).toBe(1);
    expect(stored[1]).toBeCloseTo(blended, 5);
    expect(stored[1]).toBeGreaterThan(1);
    expect(stored[1]).toBeLessThan(8);
    expect(stored[2]).toBe(8);
    expect(f.metadata.has("llama.rope.scaling.factor")).toBe(false);
  });
});
