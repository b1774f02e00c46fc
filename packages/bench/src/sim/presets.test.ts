import { isPagodaError } from "@pagoda/errors";
import { modelParamCounts } from "@pagoda/metrics";
import { describe, expect, it } from "vitest";
import { MODEL_PRESETS, resolveModel } from "./model-presets.js";
import { resolveDevice, SIM_DEVICES } from "./sim-device.js";

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return isPagodaError(err) ? err.code : String(err);
  }
  return "no error";
};

describe("model presets and device profiles", () => {
  it("have the published parameter counts", () => {
    const billions = (name: string) => modelParamCounts(resolveModel(name).shape).total / 1e9;
    // Matrix parameters only (no norms, no embedding gather): 6.61 B, 12.85 B, 0.596 B.
    expect(billions("llama-2-7b")).toBeCloseTo(6.607, 3);
    expect(billions("llama-2-13b")).toBeCloseTo(12.852, 3);
    expect(billions("qwen3-0.6b")).toBeCloseTo(0.596, 3);
  });

  it("reads any config.json through model-loaders", () => {
    const m = resolveModel(
      {
        architectures: ["LlamaForCausalLM"],
        hidden_size: 64,
        intermediate_size: 172,
        num_hidden_layers: 5,
        num_attention_heads: 8,
        num_key_value_heads: 4,
        vocab_size: 512,
        max_position_embeddings: 512,
        eos_token_id: 2,
        torch_dtype: "float32",
      },
      "stories",
    );
    expect(m.shape).toEqual({ ...MODEL_PRESETS.stories260k?.shape });
    expect(m).toMatchObject({ name: "stories", maxModelLen: 512, eosTokenIds: [2] });
  });

  it("rejects unknown names with typed errors", () => {
    expect(code(() => resolveModel("gpt-5"))).toBe("bench.unknown_model");
    expect(code(() => resolveDevice("tpu-v5"))).toBe("bench.unknown_device");
    expect(resolveDevice("Measured").name).toBe("measured");
    expect(code(() => resolveModel({ architectures: ["GPT2LMHeadModel"] }))).toMatch(
      /^model_config\.|config/,
    );
  });

  it("keeps every datasheet device below its datasheet roofs", () => {
    for (const d of Object.values(SIM_DEVICES)) {
      expect(d.peakFlopsPerSecond).toBeGreaterThan(1e13);
      expect(d.memoryBytesPerSecond).toBeGreaterThan(1e11);
      expect(d.stepOverheadSeconds).toBeGreaterThan(0);
    }
  });
});
