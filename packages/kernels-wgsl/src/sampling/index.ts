export { encodeSampling, type SamplingArgs } from "./encode-sampling.js";
export { OUT, OUTPUT_WORDS, PARAM, PARAM_WORDS, SAMPLE_FLAGS } from "./layout.js";
export { decodeSamplingOutput, type SampleResult } from "./output.js";
export { historyWords, type PackedSamplingInputs, packSamplingInputs } from "./pack.js";
export {
  DEFAULT_SAMPLING_PARAMS,
  MAX_LOGPROBS,
  NO_HISTORY,
  type SamplingParams,
  samplingParams,
  type TokenHistory,
  validateSampling,
} from "./params.js";
export { philox4x32, SAMPLE_STREAM, seedKey, uniformFromBits } from "./philox.js";
export { type KeptSet, keptSetReference } from "./reference/filters.js";
export { gumbelArgmax } from "./reference/gumbel.js";
export { type RawLogprobs, rawLogprobsReference } from "./reference/logprobs.js";
export { penalizeReference, scoresReference } from "./reference/penalties.js";
export { sampleBatchReference, sampleReference, sampleTokenReference } from "./reference/sample-reference.js";
export { type RowChunk, rowChunks } from "./row-chunks.js";
export {
  createSamplingBuffers,
  readSamplingOutput,
  type SamplingBufferOptions,
  type SamplingBuffers,
  writeSamplingInputs,
} from "./sampling-buffers.js";
export { SamplingError } from "./sampling-error.js";
export {
  checkTokenMask,
  MASKED_LOGIT,
  maskLogits,
  tokenAllowed,
  tokenMaskWords,
} from "./token-mask.js";
