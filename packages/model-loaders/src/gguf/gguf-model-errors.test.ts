import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadGgufModel } from "../load/load-gguf.js";
import { memoryByteSource } from "../safetensors/byte-source.js";
import { storiesDir, TINY, tempDir } from "../testing/fixtures.js";
import { rewriteGguf } from "../testing/gguf-bytes.js";
import { type GgufValue, gguf } from "../tools/gguf/gguf-types.js";
import { writeGguf } from "../tools/gguf/write-gguf.js";
import { writeRandomModel } from "../tools/write-random-model.js";

type Kvs = [string, GgufValue][];

async function tinyLlamaGguf(edit?: (config: Record<string, unknown>) => void): Promise<Uint8Array> {
  const dir = await tempDir();
  await writeRandomModel(dir, "llama", TINY, { seed: 5, tokenizerFrom: storiesDir() });
  if (edit) {
    const config = JSON.parse(await readFile(join(dir, "config.json"), "utf8"));
    edit(config);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(dir, "config.json"), JSON.stringify(config));
  }
  await writeGguf(dir, join(dir, "m.gguf"), { type: "f32" });
  return new Uint8Array(await readFile(join(dir, "m.gguf")));
}

const load = (bytes: Uint8Array) => loadGgufModel(memoryByteSource("m.gguf", bytes));
const failure = (bytes: Uint8Array): Promise<Error & { code: string }> =>
  load(bytes).then(
    () => {
      throw new Error("expected the GGUF to be rejected");
    },
    (e: unknown) => e as Error & { code: string },
  );
const set = (key: string, value: GgufValue) => (kvs: Kvs) =>
  kvs.map(([k, v]): [string, GgufValue] => [k, k === key ? value : v]);
const drop = (key: string) => (kvs: Kvs) => kvs.filter(([k]) => k !== key);

describe("loading a GGUF model: what is wrong is named", { timeout: 30_000 }, () => {
  it("a missing or mistyped hyperparameter, an unknown architecture or pre-tokenizer", async () => {
    const good = await tinyLlamaGguf();
    const missing = await failure(await rewriteGguf(good, drop("llama.embedding_length")));
    expect(missing.code).toBe("gguf.missing_key");
    expect(missing.message).toBe("m.gguf: metadata key llama.embedding_length is missing");
    const typed = await failure(await rewriteGguf(good, set("llama.block_count", gguf.string("2"))));
    expect(typed.code).toBe("gguf.bad_value");
    expect(typed.message).toMatch(/llama\.block_count must be a non-negative integer, got string 2/);
    const arch = await failure(await rewriteGguf(good, set("general.architecture", gguf.string("gemma2"))));
    expect(arch.code).toBe("gguf.unsupported_architecture");
    expect(arch.message).toMatch(/"gemma2" is not supported; supported: llama, qwen2, qwen3/);
    const tok = await failure(await rewriteGguf(good, set("tokenizer.ggml.model", gguf.string("bert"))));
    expect(tok.code).toBe("gguf.unsupported_tokenizer");
    const gpt2 = (kvs: Kvs) => [
      ...set("tokenizer.ggml.model", gguf.string("gpt2"))(kvs),
      ["tokenizer.ggml.pre", gguf.string("tekken")] as [string, GgufValue],
    ];
    const pre = await failure(await rewriteGguf(good, gpt2));
    expect(pre.code).toBe("gguf.unsupported_tokenizer");
    expect(pre.message).toMatch(
      /tokenizer\.ggml\.pre "tekken" is not supported \(llama-bpe, qwen2, gpt2, smollm, default\)/,
    );
  });

  it("config checks of parseModelConfig and tensor shapes, naming the GGUF tensor", async () => {
    const good = await tinyLlamaGguf();
    const heads = await failure(await rewriteGguf(good, set("llama.attention.head_count_kv", gguf.u32(3))));
    expect(heads.code).toBe("config.inconsistent");
    expect(heads.message).toMatch(
      /m\.gguf \(GGUF metadata as config\.json\): num_attention_heads \(4\) must be a multiple/,
    );
    const ff = await failure(await rewriteGguf(good, set("llama.feed_forward_length", gguf.u32(48))));
    expect(ff.code).toBe("weights.shape_mismatch");
    expect(ff.message).toMatch(/tensor blk\.0\.ffn_gate\.weight has shape \[40, 24\], expected \[48, 24\]/);
    const noNorm = await failure(
      await rewriteGguf(
        good,
        (k) => k,
        (ts) => ts.filter((t) => t.name !== "blk.1.ffn_norm.weight"),
      ),
    );
    expect(noNorm.code).toBe("weights.missing_tensor");
    expect(noNorm.message).toMatch(/tensor blk\.1\.ffn_norm\.weight is missing/);
    const extra = await failure(await rewriteGguf(good, set("llama.block_count", gguf.u32(1))));
    expect(extra.code).toBe("weights.unexpected_tensor");
    expect(extra.message).toMatch(/layer 1 exists but the config says num_hidden_layers 1/);
  });

  it("llama3 RoPE scaling comes back from rope_freqs.weight", async () => {
    const scaling = {
      rope_type: "llama3",
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 512,
    };
    const model = await load(await tinyLlamaGguf((c) => Object.assign(c, { rope_scaling: scaling })));
    try {
      const s = model.config.ropeScaling;
      expect(s).toMatchObject({ type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4 });
      expect(s?.originalMaxPositionEmbeddings).toBeCloseTo(512, 2);
    } finally {
      await model.close();
    }
  });
});
