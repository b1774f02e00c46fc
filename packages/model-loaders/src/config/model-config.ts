import { ARCHITECTURES, type ModelFamily } from "./architectures.js";
import { ConfigFields } from "./config-fields.js";
import { type Llama3RopeScaling, parseRope } from "./rope-scaling.js";
import { checkSlidingWindow } from "./sliding-window.js";

/** One normalised description of a supported decoder-only model, whatever its config class. */
export interface ModelConfig {
  /** Model family: `"llama" | "mistral" | "qwen2" | "qwen3"`. */
  readonly architecture: ModelFamily;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  /** FFN (SwiGLU) inner size. */
  readonly intermediateSize: number;
  /** Rows of the embedding matrix (may exceed the tokenizer's vocabulary). */
  readonly vocabSize: number;
  readonly maxPositionEmbeddings: number;
  readonly ropeTheta: number;
  readonly ropeScaling: Llama3RopeScaling | null;
  readonly rmsNormEps: number;
  /** `lm_head` shares `embed_tokens`. */
  readonly tieWordEmbeddings: boolean;
  /** q/k/v projections have a bias (Qwen2). */
  readonly attentionBias: boolean;
  /** Per-head RMSNorm of q and k (Qwen3). */
  readonly qkNorm: boolean;
  readonly bosTokenId: number | null;
  /** Every end-of-sequence id the config names (often one). */
  readonly eosTokenIds: readonly number[];
  /** `torch_dtype` as written (`"bfloat16"`, …), or null. */
  readonly torchDtype: string | null;
}

/** The `architectures` class names this package loads. */
export const SUPPORTED_ARCHITECTURES: readonly string[] = Object.keys(ARCHITECTURES);

/**
 * Normalises a Hugging Face `config.json` object. Throws {@link ModelConfigError} naming `file`
 * for unsupported architectures or features, missing or malformed fields, and values that
 * contradict each other.
 */
export function parseModelConfig(json: Readonly<Record<string, unknown>>, file = "config.json"): ModelConfig {
  const f: ConfigFields = new ConfigFields(json, file);
  const archs = json.architectures;
  const arch = Array.isArray(archs) && typeof archs[0] === "string" ? archs[0] : null;
  const spec = arch === null ? undefined : ARCHITECTURES[arch];
  if (!spec) {
    f.fail(
      "unsupported_architecture",
      `${arch === null ? "no architectures[0] class name" : `architecture ${arch} is not supported`}; ` +
        `supported: ${SUPPORTED_ARCHITECTURES.join(", ")}`,
      { architecture: arch },
    );
  }
  checkFeatures(f, spec.family);
  const hiddenSize = f.positiveInt("hidden_size");
  const numHeads = f.positiveInt("num_attention_heads");
  const numKvHeads = f.positiveInt("num_key_value_heads", numHeads);
  if (numKvHeads > numHeads || numHeads % numKvHeads !== 0) {
    f.fail(
      "inconsistent",
      `num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKvHeads})`,
    );
  }
  if (!f.has("head_dim") && hiddenSize % numHeads !== 0) {
    f.fail(
      "inconsistent",
      `hidden_size (${hiddenSize}) is not divisible by num_attention_heads (${numHeads}) and head_dim is not set`,
    );
  }
  const headDim = f.positiveInt("head_dim", hiddenSize / numHeads);
  if (headDim % 2 !== 0) f.fail("inconsistent", `head_dim (${headDim}) must be even for rotary embeddings`);
  const maxPositionEmbeddings = f.positiveInt("max_position_embeddings", spec.defaultMaxPositions);
  checkSlidingWindow(f, spec.family, maxPositionEmbeddings);
  const rope = parseRope(f);
  const rmsNormEps = f.positiveNumber("rms_norm_eps", 1e-6);
  if (rmsNormEps >= 1) f.fail("invalid_field", `rms_norm_eps (${rmsNormEps}) must be below 1`);
  const config: ModelConfig = {
    architecture: spec.family,
    hiddenSize,
    numLayers: f.positiveInt("num_hidden_layers"),
    numHeads,
    numKvHeads,
    headDim,
    intermediateSize: f.positiveInt("intermediate_size"),
    vocabSize: f.positiveInt("vocab_size"),
    maxPositionEmbeddings,
    ropeTheta: rope.theta,
    ropeScaling: rope.scaling,
    rmsNormEps,
    tieWordEmbeddings: f.bool("tie_word_embeddings", false),
    attentionBias: spec.qkvBias,
    qkNorm: spec.qkNorm,
    bosTokenId: f.tokenId("bos_token_id"),
    eosTokenIds: f.tokenIds("eos_token_id"),
    torchDtype: f.string("torch_dtype") ?? f.string("dtype"),
  };
  for (const id of [config.bosTokenId, ...config.eosTokenIds]) {
    if (id !== null && id >= config.vocabSize) {
      f.fail(
        "inconsistent",
        `special token id ${id} is outside the vocabulary (vocab_size ${config.vocabSize})`,
      );
    }
  }
  return config;
}

// Features some checkpoints of these classes switch on that the canonical layer lacks.
function checkFeatures(f: ConfigFields, family: ModelFamily): void {
  const unsupported = (what: string, field: string) =>
    f.fail("unsupported_feature", `${what} is not supported (${field} = ${JSON.stringify(f.json[field])})`, {
      field,
    });
  if (family !== "qwen2" && f.bool("attention_bias", false)) {
    unsupported("attention_bias (a bias on q/k/v/o projections)", "attention_bias");
  }
  if (f.bool("mlp_bias", false)) unsupported("a bias on the MLP projections", "mlp_bias");
  const act = f.string("hidden_act") ?? f.string("hidden_activation") ?? "silu";
  if (act !== "silu")
    unsupported(`activation "${act}" (only silu)`, f.has("hidden_act") ? "hidden_act" : "hidden_activation");
  if (f.has("quantization_config")) unsupported("a quantized checkpoint", "quantization_config");
}
