import { describe, expect, it } from "vitest";
import { WeightsError } from "../errors.js";
import { memoryByteSource } from "../safetensors/byte-source.js";
import { openSafetensors } from "../safetensors/safetensors-file.js";
import type { TensorHandle } from "../safetensors/tensor-handle.js";
import { serializeSafetensors, type TensorToWrite } from "../safetensors/writer.js";
import { TINY } from "../testing/fixtures.js";
import { randomModelConfig, randomModelTensors } from "../tools/random-model.js";
import type { ModelFamily } from "./architectures.js";
import { mapWeights } from "./map-weights.js";
import { parseModelConfig } from "./model-config.js";

async function handles(tensors: TensorToWrite[]): Promise<ReadonlyMap<string, TensorHandle>> {
  return (await openSafetensors(memoryByteSource("w", serializeSafetensors(tensors)))).tensors;
}

const setup = (family: ModelFamily, tie = false) => {
  const shapes = { ...TINY, tieWordEmbeddings: tie };
  return {
    config: parseModelConfig(randomModelConfig(family, shapes, "F32")),
    tensors: randomModelTensors(family, shapes),
  };
};

async function mappingError(
  family: ModelFamily,
  edit: (t: TensorToWrite[]) => TensorToWrite[],
): Promise<WeightsError> {
  const { config, tensors } = setup(family);
  try {
    mapWeights(await handles(edit(tensors)), config, "/models/tiny");
  } catch (err) {
    expect(err).toBeInstanceOf(WeightsError);
    expect((err as Error).message).toContain("/models/tiny");
    return err as WeightsError;
  }
  throw new Error("expected mapWeights to fail");
}

const replace = (name: string, change: Partial<TensorToWrite>) => (ts: TensorToWrite[]) =>
  ts.map((t) => (t.name === name ? { ...t, ...change } : t));

describe("mapWeights", () => {
  it("maps a Qwen3 model with per-head norms and no biases", async () => {
    const { config, tensors } = setup("qwen3");
    const w = mapWeights(await handles(tensors), config, "m");
    expect(w.layers).toHaveLength(2);
    const l = w.layers[1];
    expect(l?.qNorm?.shape).toEqual([6]);
    expect(l?.qBias).toBeUndefined();
    expect(l?.q.shape).toEqual([24, 24]);
    expect(l?.k.shape).toEqual([12, 24]);
    expect(l?.o.shape).toEqual([24, 24]);
    expect(l?.down.shape).toEqual([24, 40]);
    expect(w.lmHead.name).toBe("lm_head.weight");
  });

  it("maps Qwen2's q/k/v biases", async () => {
    const { config, tensors } = setup("qwen2");
    const l = mapWeights(await handles(tensors), config, "m").layers[0];
    expect([l?.qBias?.shape, l?.kBias?.shape, l?.vBias?.shape]).toEqual([[24], [12], [12]]);
    expect(l?.qNorm).toBeUndefined();
  });

  it("shares the embedding as lm_head when tied, ignoring a stored lm_head", async () => {
    const { config, tensors } = setup("llama", true);
    const extra = {
      name: "lm_head.weight",
      dtype: "F32" as const,
      shape: [512, 24],
      data: new Float32Array(512 * 24),
    };
    const w = mapWeights(await handles([...tensors, extra]), config, "m");
    expect(w.lmHead).toBe(w.embedTokens);
  });

  it("names a missing tensor and its expected shape", async () => {
    const err = await mappingError("mistral", (ts) =>
      ts.filter((t) => t.name !== "model.layers.1.mlp.up_proj.weight"),
    );
    expect(err.code).toBe("weights.missing_tensor");
    expect(err.message).toMatch(
      /model\.layers\.1\.mlp\.up_proj\.weight is missing \(expected shape \[40, 24\]/,
    );
  });

  it("names a transposed tensor, its shape and the expected one", async () => {
    const err = await mappingError(
      "llama",
      replace("model.layers.0.mlp.gate_proj.weight", { shape: [24, 40] }),
    );
    expect(err.code).toBe("weights.shape_mismatch");
    expect(err.message).toMatch(
      /model\.layers\.0\.mlp\.gate_proj\.weight has shape \[24, 40\], expected \[40, 24\] from intermediate_size 40, hidden_size 24 \(it looks transposed\)/,
    );
  });

  it("reports weights that contradict the config's head counts", async () => {
    const err = await mappingError(
      "qwen3",
      replace("model.layers.0.self_attn.k_proj.weight", { shape: [24, 24], data: new Float32Array(576) }),
    );
    expect(err.message).toMatch(
      /k_proj\.weight has shape \[24, 24\], expected \[12, 24\] from num_key_value_heads 2/,
    );
  });

  it("rejects tensors the config does not describe, e.g. an extra layer", async () => {
    const extra = {
      name: "model.layers.2.input_layernorm.weight",
      dtype: "F32" as const,
      shape: [24],
      data: new Float32Array(24),
    };
    const err = await mappingError("llama", (ts) => [...ts, extra]);
    expect(err.code).toBe("weights.unexpected_tensor");
    expect(err.message).toMatch(/layer 2 exists but the config says num_hidden_layers 2/);
  });

  it("rejects non-float weights", async () => {
    const err = await mappingError(
      "llama",
      replace("model.norm.weight", { dtype: "I32", data: new Uint8Array(96) }),
    );
    expect(err.code).toBe("weights.unsupported_dtype");
    expect(err.message).toMatch(/model\.norm\.weight is I32/);
  });
});
