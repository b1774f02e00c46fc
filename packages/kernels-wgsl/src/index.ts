export * from "./attention/index.js";
export * from "./cache/index.js";
export {
  GpuUnavailableError,
  OPTIONAL_FEATURES,
  type OptionalFeature,
  type PagodaDevice,
  type RequestDeviceOptions,
  requestDevice,
} from "./device/request-device.js";
export { encodeLogits, type LogitsArgs } from "./matmul/logits.js";
export {
  defaultMatmulTuning,
  encodeMatmul,
  GEMV_MAX_ROWS,
  type MatmulArgs,
  type MatmulTuning,
} from "./matmul/matmul.js";
export { matmulReference } from "./matmul/matmul.reference.js";
export { type CopyArgs, encodeCopy } from "./ops/copy.js";
export {
  type AddArgs,
  encodeAdd,
  encodeGatherRows,
  encodeSwiglu,
  type GatherRowsArgs,
  type SwigluArgs,
} from "./ops/elementwise.js";
export { gatherRowsReference, swigluReference } from "./ops/elementwise.reference.js";
export { type EmbeddingArgs, encodeEmbedding } from "./ops/embedding.js";
export { embeddingReference } from "./ops/embedding.reference.js";
export { encodeHeadRmsNorm, encodeRmsNorm, type HeadRmsNormArgs, type RmsNormArgs } from "./ops/rms-norm.js";
export { addRmsNormReference, rmsNormReference } from "./ops/rms-norm.reference.js";
export { encodeRope, type RopeArgs } from "./ops/rope.js";
export { ropeReference } from "./ops/rope.reference.js";
export { isCpuAdapter } from "./runtime/adapter.js";
export {
  alignTo,
  type BufferData,
  createStorageBuffer,
  createUniformBuffer,
  readBuffer,
  readF32,
  writeData,
} from "./runtime/buffers.js";
export { FLAT_WORKGROUP_WGSL, grid, MAX_WORKGROUPS_PER_DIM } from "./runtime/grid.js";
export {
  type BufferRef,
  boundBytes,
  KernelContext,
  requireBytes,
  type Workgroups,
} from "./runtime/kernel-context.js";
export { KernelError } from "./runtime/kernel-error.js";
export {
  cachedPipelineCount,
  getPipeline,
  getShaderPipeline,
  shaderDescriptor,
} from "./runtime/pipeline-cache.js";
export {
  checkQuantRows,
  ggufQuantType,
  packQuantRows,
  QUANT_BLOCK_WORDS,
  QUANT_DTYPE,
  type QuantDType,
  quantBlockElements,
  quantGpuRowBytes,
  unpackQuantRows,
} from "./runtime/quant-layout.js";
export { UNIFORM_SLOT_BYTES, UniformWriter } from "./runtime/uniforms.js";
export {
  enableWgsl,
  type HalfLoads,
  halfLoads,
  weightBindingWgsl,
  weightKey,
} from "./runtime/weight-wgsl.js";
export {
  destroyMatrix,
  isQuantDType,
  joinMatrices,
  type QuantData,
  rowBytes,
  type UploadMatrixOptions,
  uploadMatrix,
  type WeightDType,
  type WeightMatrix,
  type WeightPart,
} from "./runtime/weights.js";
export * from "./sampling/index.js";
