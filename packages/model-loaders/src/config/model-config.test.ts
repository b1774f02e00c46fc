import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModelConfigError } from "../errors.js";
import { storiesDir } from "../testing/fixtures.js";
import { parseGenerationConfig } from "./generation-config.js";
import { parseModelConfig } from "./model-config.js";

const QWEN3_06B = {
  architectures: ["Qwen3ForCausalLM"],
  attention_bias: false,
  bos_token_id: 151643,
  eos_token_id: 151645,
  head_dim: 128,
  hidden_act: "silu",
  hidden_size: 1024,
  intermediate_size: 3072,
  max_position_embeddings: 40960,
  max_window_layers: 28,
  model_type: "qwen3",
  num_attention_heads: 16,
  num_hidden_layers: 28,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-6,
  rope_scaling: null,
  rope_theta: 1000000,
  sliding_window: null,
  tie_word_embeddings: true,
  torch_dtype: "bfloat16",
  use_sliding_window: false,
  vocab_size: 151936,
};

const LLAMA32 = {
  architectures: ["LlamaForCausalLM"],
  hidden_size: 2048,
  intermediate_size: 8192,
  num_attention_heads: 32,
  num_hidden_layers: 16,
  num_key_value_heads: 8,
  max_position_embeddings: 131072,
  rms_norm_eps: 1e-5,
  rope_theta: 500000,
  rope_scaling: {
    factor: 32,
    high_freq_factor: 4,
    low_freq_factor: 1,
    original_max_position_embeddings: 8192,
    rope_type: "llama3",
  },
  tie_word_embeddings: true,
  vocab_size: 128256,
  bos_token_id: 128000,
  eos_token_id: [128001, 128008, 128009],
};

/** The error `parseModelConfig` throws for `json`. */
function configError(json: Record<string, unknown>): ModelConfigError {
  try {
    parseModelConfig(json, "/models/x/config.json");
  } catch (err) {
    expect(err).toBeInstanceOf(ModelConfigError);
    expect((err as Error).message).toContain("/models/x/config.json");
    return err as ModelConfigError;
  }
  throw new Error("expected the config to be rejected");
}

describe("parseModelConfig", () => {
  it("normalises stories260K's Llama config", () => {
    const json = JSON.parse(readFileSync(join(storiesDir(), "config.json"), "utf8"));
    expect(parseModelConfig(json)).toEqual({
      architecture: "llama",
      hiddenSize: 64,
      numLayers: 5,
      numHeads: 8,
      numKvHeads: 4,
      headDim: 8,
      intermediateSize: 172,
      vocabSize: 512,
      maxPositionEmbeddings: 512,
      ropeTheta: 10000,
      ropeScaling: null,
      rmsNormEps: 1e-5,
      tieWordEmbeddings: true,
      attentionBias: false,
      qkNorm: false,
      bosTokenId: 1,
      eosTokenIds: [2],
      torchDtype: "float32",
    });
  });

  it("reads Qwen3's explicit head_dim and per-head norms", () => {
    const c = parseModelConfig(QWEN3_06B);
    expect(c).toMatchObject({
      architecture: "qwen3",
      headDim: 128,
      numHeads: 16,
      qkNorm: true,
      attentionBias: false,
    });
    expect(c.numHeads * c.headDim).not.toBe(c.hiddenSize);
    expect(c.eosTokenIds).toEqual([151645]);
  });

  it("gives Qwen2 q/k/v biases and keeps a sliding_window that is switched off", () => {
    const c = parseModelConfig({
      ...QWEN3_06B,
      architectures: ["Qwen2ForCausalLM"],
      head_dim: undefined,
      num_attention_heads: 16,
      sliding_window: 4096,
      use_sliding_window: false,
    });
    expect(c).toMatchObject({ architecture: "qwen2", attentionBias: true, qkNorm: false, headDim: 64 });
  });

  it("keeps llama3 rope scaling parameters and EOS lists", () => {
    const c = parseModelConfig(LLAMA32);
    expect(c.ropeScaling).toEqual({
      type: "llama3",
      factor: 32,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositionEmbeddings: 8192,
    });
    expect(c.eosTokenIds).toEqual([128001, 128008, 128009]);
    expect(c.headDim).toBe(64);
    expect(parseModelConfig({ ...LLAMA32, rope_scaling: { rope_type: "default" } }).ropeScaling).toBeNull();
  });

  it("reads the newer rope_parameters form", () => {
    const c = parseModelConfig({
      ...QWEN3_06B,
      rope_theta: undefined,
      rope_parameters: { rope_type: "default", rope_theta: 5e5 },
    });
    expect(c.ropeTheta).toBe(5e5);
    expect(c.ropeScaling).toBeNull();
  });

  it("accepts Mistral without a window, or with one covering every position", () => {
    const mistral = {
      ...LLAMA32,
      architectures: ["MistralForCausalLM"],
      rope_scaling: null,
      sliding_window: null,
    };
    expect(parseModelConfig(mistral).architecture).toBe("mistral");
    expect(parseModelConfig({ ...mistral, sliding_window: 131072 }).architecture).toBe("mistral");
  });

  it("rejects sliding-window attention, explaining why", () => {
    const mistral = {
      ...LLAMA32,
      architectures: ["MistralForCausalLM"],
      rope_scaling: null,
      sliding_window: 4096,
    };
    const err = configError(mistral);
    expect(err.code).toBe("config.sliding_window_unsupported");
    expect(err.message).toMatch(
      /sliding_window 4096 < max_position_embeddings 131072.*outputs past the window would be wrong/,
    );
    expect(configError({ ...QWEN3_06B, use_sliding_window: true, sliding_window: 4096 }).code).toBe(
      "config.sliding_window_unsupported",
    );
  });

  it("rejects unsupported architectures, naming the supported ones", () => {
    const err = configError({ ...LLAMA32, architectures: ["GPT2LMHeadModel"] });
    expect(err.code).toBe("config.unsupported_architecture");
    expect(err.message).toMatch(
      /GPT2LMHeadModel is not supported; supported: LlamaForCausalLM, MistralForCausalLM/,
    );
    expect(configError({ hidden_size: 4 }).code).toBe("config.unsupported_architecture");
  });

  it("rejects rope scaling kinds other than llama3", () => {
    const err = configError({ ...LLAMA32, rope_scaling: { rope_type: "yarn", factor: 4 } });
    expect(err.code).toBe("config.unsupported_rope_scaling");
    expect(err.message).toMatch(/"yarn" is not supported/);
    expect(configError({ ...LLAMA32, rope_scaling: { rope_type: "llama3", factor: 8 } }).message).toMatch(
      /rope_scaling.low_freq_factor must be a positive number/,
    );
  });

  it("rejects values that contradict each other", () => {
    expect(configError({ ...LLAMA32, num_key_value_heads: 5 }).message).toMatch(
      /num_attention_heads \(32\) must be a multiple of num_key_value_heads \(5\)/,
    );
    expect(configError({ ...LLAMA32, num_attention_heads: 30, num_key_value_heads: 10 }).message).toMatch(
      /hidden_size \(2048\) is not divisible by num_attention_heads \(30\)/,
    );
    expect(configError({ ...QWEN3_06B, head_dim: 127 }).message).toMatch(/head_dim \(127\) must be even/);
    expect(configError({ ...QWEN3_06B, eos_token_id: 200000 }).message).toMatch(
      /special token id 200000 is outside the vocabulary \(vocab_size 151936\)/,
    );
    expect(
      configError({ ...LLAMA32, rope_scaling: { ...LLAMA32.rope_scaling, high_freq_factor: 0.5 } }).code,
    ).toBe("config.inconsistent");
  });

  it("rejects missing and mistyped fields, naming the field", () => {
    const missing = configError({ ...LLAMA32, hidden_size: undefined });
    expect(missing.code).toBe("config.invalid_field");
    expect(missing.message).toMatch(/"hidden_size" is missing/);
    const typed = configError({ ...LLAMA32, num_hidden_layers: "16" });
    expect(typed.message).toMatch(/"num_hidden_layers" must be a positive integer, got "16"/);
    expect(configError({ ...LLAMA32, rms_norm_eps: -1 }).message).toMatch(
      /"rms_norm_eps" must be a positive number/,
    );
  });

  it("rejects features the canonical layer does not have", () => {
    expect(configError({ ...LLAMA32, attention_bias: true }).code).toBe("config.unsupported_feature");
    expect(configError({ ...LLAMA32, mlp_bias: true }).message).toMatch(/bias on the MLP/);
    expect(configError({ ...LLAMA32, hidden_act: "gelu" }).message).toMatch(/activation "gelu"/);
    expect(configError({ ...QWEN3_06B, quantization_config: { quant_method: "awq" } }).message).toMatch(
      /quantized/,
    );
  });
});

describe("parseGenerationConfig", () => {
  const config = parseModelConfig(LLAMA32);

  it("reads EOS lists and sampling defaults", () => {
    const g = parseGenerationConfig(
      { bos_token_id: 1, eos_token_id: [2, 1], temperature: 0.6, top_p: 0.9, top_k: 20, do_sample: true },
      config,
    );
    expect(g).toMatchObject({
      bosTokenId: 1,
      eosTokenIds: [2, 1],
      temperature: 0.6,
      topP: 0.9,
      topK: 20,
      doSample: true,
    });
    expect(g.maxLength).toBeNull();
  });

  it("falls back to the model config's ids when the file is absent", () => {
    expect(parseGenerationConfig(null, config)).toMatchObject({
      bosTokenId: 128000,
      eosTokenIds: [128001, 128008, 128009],
    });
  });

  it("rejects malformed values, naming the file", () => {
    expect(() => parseGenerationConfig({ top_p: 2 }, config, "/m/generation_config.json")).toThrow(
      /\/m\/generation_config.json: "top_p" must be at most 1/,
    );
    expect(() => parseGenerationConfig({ eos_token_id: "x" }, config)).toThrow(ModelConfigError);
  });
});
