import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { PagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { ModelConfigError, SafetensorsError, TokenizerError, WeightsError } from "../errors.js";
import { storiesDir, TINY, tempDir } from "../testing/fixtures.js";
import { writeRandomModel } from "../tools/write-random-model.js";
import { loadModel } from "./load-model.js";

// Every fault class of a malformed model folder, through the public entry point: the error's
// class, its code, and a message naming the file and the reason.

type Header = Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;

/** Rewrites model.safetensors with an edited header (and optionally edited data bytes). */
async function editHeader(dir: string, edit: (h: Header) => void, data?: (d: Uint8Array) => Uint8Array) {
  const path = join(dir, "model.safetensors");
  const bytes = new Uint8Array(await readFile(path));
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Header;
  edit(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const body = (data ?? ((d) => d))(bytes.subarray(8 + n));
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  await writeFile(path, out);
}

async function editJson(path: string, edit: (j: Record<string, unknown>) => void) {
  const json = JSON.parse(await readFile(path, "utf8"));
  edit(json);
  await writeFile(path, JSON.stringify(json));
}

interface Fault {
  fault: string;
  break: (dir: string) => Promise<void>;
  error: new (...args: never[]) => PagodaError;
  code: string;
  file: string;
  reason: RegExp;
}

const W = "model.safetensors";
const UP = "model.layers.0.mlp.up_proj.weight";

const FAULTS: Fault[] = [
  {
    fault: "empty weights file",
    break: (d) => writeFile(join(d, W), ""),
    error: SafetensorsError,
    code: "safetensors.empty",
    file: W,
    reason: /empty/,
  },
  {
    fault: "truncated weights file",
    break: async (d) => writeFile(join(d, W), (await readFile(join(d, W))).subarray(0, 3000)),
    error: SafetensorsError,
    code: "safetensors.truncated",
    file: W,
    reason: /truncated: its tensors need \d+ bytes of data but only \d+ follow/,
  },
  {
    fault: "absurd header length",
    break: async (d) => {
      const b = new Uint8Array(await readFile(join(d, W)));
      new DataView(b.buffer).setBigUint64(0, 0xffff_ffff_ffffn, true);
      await writeFile(join(d, W), b);
    },
    error: SafetensorsError,
    code: "safetensors.header_too_large",
    file: W,
    reason: /header length \d+ exceeds the 100000000-byte limit/,
  },
  {
    fault: "invalid JSON header",
    break: async (d) => {
      const b = new Uint8Array(await readFile(join(d, W)));
      b[8] = "x".charCodeAt(0);
      await writeFile(join(d, W), b);
    },
    error: SafetensorsError,
    code: "safetensors.invalid_json",
    file: W,
    reason: /header is not valid JSON/,
  },
  {
    fault: "offsets outside the file",
    break: (d) =>
      editHeader(d, (h) => Object.assign(h[UP] ?? {}, { data_offsets: [10_000_000, 10_003_840] })),
    error: SafetensorsError,
    code: "safetensors.offset_out_of_bounds",
    file: W,
    reason: /"model\.layers\.0\.mlp\.up_proj\.weight": data_offsets \[10000000, 10003840\] lie outside/,
  },
  {
    fault: "overlapping tensors",
    break: (d) =>
      editHeader(d, (h) => {
        const up = h[UP] as Header[string];
        up.data_offsets = [100, 100 + 3840]; // inside the embedding's bytes
      }),
    error: SafetensorsError,
    code: "safetensors.overlap",
    file: W,
    reason:
      /"model\.embed_tokens\.weight" \[0, 49152\) and "model\.layers\.0\.mlp\.up_proj\.weight" \[100, 3940\) overlap/,
  },
  {
    fault: "unknown dtype",
    break: (d) => editHeader(d, (h) => Object.assign(h[UP] ?? {}, { dtype: "F33" })),
    error: SafetensorsError,
    code: "safetensors.unknown_dtype",
    file: W,
    reason: /"model\.layers\.0\.mlp\.up_proj\.weight": unknown dtype "F33"/,
  },
  {
    fault: "size mismatch",
    break: (d) => editHeader(d, (h) => Object.assign(h[UP] ?? {}, { shape: [40, 25] })),
    error: SafetensorsError,
    code: "safetensors.size_mismatch",
    file: W,
    reason: /shape \[40, 25\] of F32 needs 4000 bytes but data_offsets \[\d+, \d+\] span 3840/,
  },
  {
    fault: "missing tensor",
    break: (d) => editHeader(d, (h) => delete h["model.layers.1.self_attn.v_proj.weight"]),
    error: WeightsError,
    code: "weights.missing_tensor",
    file: "",
    reason: /model\.layers\.1\.self_attn\.v_proj\.weight is missing \(expected shape \[12, 24\]/,
  },
  {
    fault: "transposed tensor",
    break: (d) => editHeader(d, (h) => Object.assign(h[UP] ?? {}, { shape: [24, 40] })),
    error: WeightsError,
    code: "weights.shape_mismatch",
    file: "",
    reason: /up_proj\.weight has shape \[24, 40\], expected \[40, 24\] .*transposed/,
  },
  {
    fault: "config contradicting the weights",
    break: (d) => editJson(join(d, "config.json"), (c) => Object.assign(c, { intermediate_size: 48 })),
    error: WeightsError,
    code: "weights.shape_mismatch",
    file: "",
    reason: /gate_proj\.weight has shape \[40, 24\], expected \[48, 24\] from intermediate_size 48/,
  },
  {
    fault: "config contradicting itself",
    break: (d) => editJson(join(d, "config.json"), (c) => Object.assign(c, { num_key_value_heads: 3 })),
    error: ModelConfigError,
    code: "config.inconsistent",
    file: "config.json",
    reason: /num_attention_heads \(4\) must be a multiple of num_key_value_heads \(3\)/,
  },
  {
    fault: "invalid JSON config",
    break: (d) => writeFile(join(d, "config.json"), '{"architectures": ['),
    error: ModelConfigError,
    code: "config.invalid_json",
    file: "config.json",
    reason: /not valid JSON/,
  },
  {
    fault: "missing config",
    break: (d) => rm(join(d, "config.json")),
    error: ModelConfigError,
    code: "config.missing",
    file: "config.json",
    reason: /does not exist/,
  },
  {
    fault: "unsupported architecture",
    break: (d) =>
      editJson(join(d, "config.json"), (c) => Object.assign(c, { architectures: ["GemmaForCausalLM"] })),
    error: ModelConfigError,
    code: "config.unsupported_architecture",
    file: "config.json",
    reason: /GemmaForCausalLM is not supported/,
  },
  {
    fault: "missing tokenizer",
    break: (d) => rm(join(d, "tokenizer.json")),
    error: TokenizerError,
    code: "tokenizer.missing",
    file: "tokenizer.json",
    reason: /does not exist/,
  },
  {
    fault: "tokenizer larger than the embedding",
    break: (d) => editJson(join(d, "config.json"), (c) => Object.assign(c, { vocab_size: 256 })),
    error: WeightsError,
    code: "weights.shape_mismatch",
    file: "",
    reason: /embed_tokens\.weight has shape \[512, 24\], expected \[256, 24\]/,
  },
  {
    fault: "missing weights",
    break: (d) => rm(join(d, W)),
    error: WeightsError,
    code: "weights.missing",
    file: "",
    reason: /no model\.safetensors or model\.safetensors\.index\.json/,
  },
];

describe("bad model folders", () => {
  for (const f of FAULTS) {
    it(`${f.fault}: ${f.code}`, async () => {
      const dir = await tempDir();
      await writeRandomModel(dir, "llama", TINY, { tokenizerFrom: storiesDir() });
      await f.break(dir);
      const err = await loadModel(dir).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(f.error);
      expect((err as PagodaError).code).toBe(f.code);
      expect((err as Error).message).toContain(join(dir, f.file));
      expect((err as Error).message).toMatch(f.reason);
    });
  }

  it("a tokenizer with more ids than vocab_size: tokenizer.vocab_mismatch", async () => {
    const dir = await tempDir();
    await writeRandomModel(dir, "llama", { ...TINY, vocabSize: 300 }, { tokenizerFrom: storiesDir() });
    await expect(loadModel(dir)).rejects.toMatchObject({
      code: "tokenizer.vocab_mismatch",
      message: expect.stringMatching(
        /tokenizer\.json has ids up to 511, but .*config\.json has vocab_size 300/,
      ),
    });
  });

  describe("sharded models", () => {
    const INDEX = "model.safetensors.index.json";
    const shardFault = async (edit: (dir: string) => Promise<void>) => {
      const dir = await tempDir();
      await writeRandomModel(dir, "qwen2", TINY, { shards: 2, tokenizerFrom: storiesDir() });
      await edit(dir);
      return {
        dir,
        err: await loadModel(dir).then(
          () => null,
          (e: unknown) => e,
        ),
      };
    };

    it("missing shard file: safetensors.missing_file", async () => {
      const { dir, err } = await shardFault((d) => rm(join(d, "model-00002-of-00002.safetensors")));
      expect(err).toBeInstanceOf(SafetensorsError);
      expect(err).toMatchObject({ code: "safetensors.missing_file" });
      expect((err as Error).message).toMatch(
        `${join(dir, "model-00002-of-00002.safetensors")} does not exist`,
      );
    });

    it("index naming a tensor its shard lacks: safetensors.missing_tensor", async () => {
      const { dir, err } = await shardFault((d) =>
        editJson(join(d, INDEX), (j) =>
          Object.assign(j.weight_map as object, { "model.norm.weight": "model-00001-of-00002.safetensors" }),
        ),
      );
      expect(err).toMatchObject({ code: "safetensors.missing_tensor" });
      expect((err as Error).message).toContain(
        `"model.norm.weight" in ${join(dir, "model-00001-of-00002.safetensors")}`,
      );
    });

    it("malformed index: safetensors.bad_index", async () => {
      const { dir, err } = await shardFault((d) =>
        editJson(join(d, INDEX), (j) =>
          Object.assign(j.weight_map as object, { "model.norm.weight": "../x.safetensors" }),
        ),
      );
      expect(err).toMatchObject({ code: "safetensors.bad_index" });
      expect((err as Error).message).toContain(join(dir, INDEX));
    });
  });
});
