import { LLAMA_2_7B, type ModelShape, validateModelShape } from "@pagoda/metrics";
import { type ModelConfig, parseModelConfig } from "@pagoda/model-loaders";
import { BenchError } from "./errors.js";

/** A model as the simulator sees it: its roofline shape, context length and EOS ids. */
export interface SimModel {
  readonly name: string;
  readonly shape: ModelShape;
  /** Longest prompt + output the model accepts. */
  readonly maxModelLen: number;
  readonly eosTokenIds: readonly number[];
}

const F16 = { weightBytesPerParam: 2, kvBytesPerElement: 2 } as const;

/** Model presets by CLI name; the numbers are those of each model's published `config.json`. */
export const MODEL_PRESETS: Readonly<Record<string, SimModel>> = {
  "llama-2-7b": { name: "llama-2-7b", shape: LLAMA_2_7B, maxModelLen: 4096, eosTokenIds: [2] },
  "llama-2-13b": {
    name: "llama-2-13b",
    shape: {
      numLayers: 40,
      hiddenSize: 5120,
      numHeads: 40,
      numKvHeads: 40,
      headDim: 128,
      intermediateSize: 13824,
      vocabSize: 32000,
      ...F16,
    },
    maxModelLen: 4096,
    eosTokenIds: [2],
  },
  "qwen3-0.6b": {
    name: "qwen3-0.6b",
    shape: {
      numLayers: 28,
      hiddenSize: 1024,
      numHeads: 16,
      numKvHeads: 8,
      headDim: 128,
      intermediateSize: 3072,
      vocabSize: 151936,
      ...F16,
    },
    maxModelLen: 40960,
    eosTokenIds: [151645],
  },
  // Pagoda's CPU and WebGPU executors keep weights and K/V in F32: the `measured` profile's model.
  stories260k: {
    name: "stories260k",
    shape: {
      numLayers: 5,
      hiddenSize: 64,
      numHeads: 8,
      numKvHeads: 4,
      headDim: 8,
      intermediateSize: 172,
      vocabSize: 512,
      weightBytesPerParam: 4,
      kvBytesPerElement: 4,
    },
    maxModelLen: 512,
    eosTokenIds: [2],
  },
};

/** Bytes per element of a `torch_dtype`; unknown or absent dtypes count as 16-bit. */
function dtypeBytes(dtype: string | null): number {
  if (dtype === "float32") return 4;
  if (dtype === "int8" || dtype === "float8_e4m3fn") return 1;
  return 2;
}

/** The simulator's view of a parsed `config.json`, named `name`. */
export function modelFromConfig(config: ModelConfig, name: string): SimModel {
  const bytes = dtypeBytes(config.torchDtype);
  const shape: ModelShape = {
    numLayers: config.numLayers,
    hiddenSize: config.hiddenSize,
    numHeads: config.numHeads,
    numKvHeads: config.numKvHeads,
    headDim: config.headDim,
    intermediateSize: config.intermediateSize,
    vocabSize: config.vocabSize,
    weightBytesPerParam: bytes,
    kvBytesPerElement: bytes,
  };
  validateModelShape(shape);
  const eos = config.eosTokenIds.length > 0 ? config.eosTokenIds : [];
  return { name, shape, maxModelLen: config.maxPositionEmbeddings, eosTokenIds: eos };
}

/**
 * A model preset by name (case-insensitive), or the object of a `config.json` (read by the
 * caller: this package does no file I/O). Throws `bench.unknown_model` or the loader's
 * `ModelConfigError`.
 */
export function resolveModel(
  nameOrConfig: string | Readonly<Record<string, unknown>>,
  name?: string,
): SimModel {
  if (typeof nameOrConfig !== "string") {
    return modelFromConfig(parseModelConfig(nameOrConfig), name ?? "config.json");
  }
  const preset = MODEL_PRESETS[nameOrConfig.toLowerCase()];
  if (preset === undefined) {
    throw new BenchError(
      "bench.unknown_model",
      `no model preset named '${nameOrConfig}' (known: ${Object.keys(MODEL_PRESETS).join(", ")}; or a config.json path)`,
      { details: { name: nameOrConfig } },
    );
  }
  return preset;
}
