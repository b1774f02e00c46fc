// Browser-safe entry: nothing reachable from here by static imports touches `fs`, `path` or `os`.
// Node-only helpers live in `@pagoda/model-loaders/node`; `loadModel(path)` and
// `writeRandomModel` load them on demand.

// The 16-bit float conversions live in @pagoda/numerics; re-exported so existing importers keep working.
export {
  bf16BitsToF32,
  bf16ToF32,
  f16BitsToF32,
  f16ToF32,
  f32ToBf16,
  f32ToBf16Bits,
  f32ToF16,
  f32ToF16Bits,
} from "@pagoda/numerics";
export { ARCHITECTURES, type ArchitectureSpec, type ModelFamily } from "./config/architectures.js";
export { type GenerationConfig, parseGenerationConfig } from "./config/generation-config.js";
export { HF_WEIGHT_NAMES, type LayerPart, mapWeights, type WeightNames } from "./config/map-weights.js";
export { type ModelConfig, parseModelConfig, SUPPORTED_ARCHITECTURES } from "./config/model-config.js";
export type { LayerWeights, ModelWeights } from "./config/model-weights.js";
export { ropeInvFreq } from "./config/rope-frequencies.js";
export type { Llama3RopeScaling } from "./config/rope-scaling.js";
export {
  GgufError,
  ModelConfigError,
  ModelResolveError,
  QuantError,
  SafetensorsError,
  TokenizerError,
  WeightsError,
} from "./errors.js";
export { type MemoryFile, type ModelFiles, memoryFiles } from "./files/model-files.js";
export { type UrlFilesOptions, urlFiles } from "./files/url-files.js";
export { GGUF_ARCHITECTURES, ggufModelConfig } from "./gguf/gguf-config.js";
export { type GgufFile, openGguf } from "./gguf/gguf-file.js";
export type { GgufHeader, GgufTensorInfo } from "./gguf/gguf-header.js";
export { GgufMetadata } from "./gguf/gguf-metadata.js";
export { type GgufTokenizerJson, ggufTokenizerJson } from "./gguf/gguf-tokenizer.js";
export { GGUF_WEIGHT_NAMES, ggufWeights } from "./gguf/gguf-weights.js";
export { loadGgufModel, loadGgufWeights } from "./load/load-gguf.js";
export {
  type LoadedModel,
  type LoadedWeights,
  type LoadModelOptions,
  loadModel,
  loadModelWeights,
} from "./load/load-model.js";
export { type LoadedTokenizer, loadTokenizer } from "./load/load-tokenizer.js";
export { dequantize } from "./quant/dequantize.js";
export {
  isQuantScheme,
  matrixQuantType,
  QUANT_SCHEMES,
  type QuantScheme,
} from "./quant/quant-scheme.js";
export {
  fitsBlocks,
  isQuantType,
  QUANT_BLOCK,
  QUANT_TYPES,
  type QuantType,
  quantRowBytes,
} from "./quant/quant-types.js";
export { quantize } from "./quant/quantize.js";
export { quantizeWeights } from "./quant/quantize-weights.js";
export type { DownloadProgress, ResolveOptions } from "./resolve/resolve-options.js";
export { type ByteSource, memoryByteSource, responseByteSource } from "./safetensors/byte-source.js";
export {
  DTYPES,
  type DType,
  dtypeSize,
  type FloatDType,
  isDType,
  isFloatDType,
} from "./safetensors/dtype.js";
export { MAX_HEADER_BYTES, type SafetensorsHeader, type TensorInfo } from "./safetensors/header.js";
export { INDEX_FILE, openModelWeights, parseWeightMap, SINGLE_FILE } from "./safetensors/open-weights.js";
export { openSafetensors, type SafetensorsFile } from "./safetensors/safetensors-file.js";
export type { TensorDType, TensorHandle } from "./safetensors/tensor-handle.js";
export {
  encodeSafetensorsHeader,
  encodeTensorData,
  safetensorsChunks,
  serializeSafetensors,
  type TensorData,
  type TensorToWrite,
} from "./safetensors/writer.js";
export {
  type ChatMessage,
  type ChatRenderOptions,
  ChatTemplate,
  chatTemplateSource,
} from "./tokenizer/chat-template.js";
export { type Decoder, IncrementalDetokenizer } from "./tokenizer/incremental-detokenizer.js";
export { type DecodeOptions, type EncodeOptions, Tokenizer } from "./tokenizer/tokenizer.js";
export type { GgufValue } from "./tools/gguf/gguf-types.js";
export { SMOLLM2_135M_SHAPE } from "./tools/model-shapes.js";
export {
  type RandomModelOptions,
  type RandomModelShapes,
  randomModelConfig,
  randomModelTensors,
} from "./tools/random-model.js";
export {
  type SyntheticTokenizerFiles,
  type SyntheticTokenizerOptions,
  syntheticTokenizer,
  writeSyntheticTokenizer,
} from "./tools/synthetic-tokenizer.js";
export { type WriteRandomModelOptions, writeRandomModel } from "./tools/write-random-model.js";
