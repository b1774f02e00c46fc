export {
  GpuUnavailableError,
  OPTIONAL_FEATURES,
  type OptionalFeature,
  type PagodaDevice,
  type RequestDeviceOptions,
  requestDevice,
} from "./device/request-device.js";
export { type CopyArgs, copyReference, encodeCopy } from "./ops/copy.js";
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
export { bf16ToF32, f16BitsToF32, f32ToF16Bits, fromF16, toF16 } from "./runtime/half.js";
export { type BufferRef, KernelContext, type Workgroups } from "./runtime/kernel-context.js";
export { KernelError } from "./runtime/kernel-error.js";
export {
  cachedPipelineCount,
  getPipeline,
  getShaderPipeline,
  shaderDescriptor,
} from "./runtime/pipeline-cache.js";
export { UNIFORM_SLOT_BYTES, UniformWriter } from "./runtime/uniforms.js";
export {
  destroyMatrix,
  rowBytes,
  type UploadMatrixOptions,
  uploadMatrix,
  type WeightDType,
  type WeightMatrix,
  type WeightPart,
} from "./runtime/weights.js";
