/** A grammar's packed token mask applied to a logits row (banned tokens at -1e30): the kernels' `maskLogits`. */
export { maskLogits as applyTokenMask } from "@pagoda/kernels-wgsl";
export { ropeInvFreq } from "@pagoda/model-loaders";
export { FORCED_STORY } from "./accuracy/forced-text.js";
export {
  type Agreement,
  agreement,
  type ForcedScores,
  teacherForce,
} from "./accuracy/teacher-force.js";
export { type DraftLimits, type FlatBatch, flattenBatch } from "./batch/flat-batch.js";
export { type RequestState, RequestStates } from "./batch/request-states.js";
export { type Sampler, sampleBatch } from "./batch/sample-batch.js";
export { kernelParams, sampleOnCpu, toTokenLogprobs } from "./batch/sampling.js";
export { ACCEPT_STREAM, type Verified, verifyDrafts } from "./batch/verify-drafts.js";
export { CpuExecutor, type CpuExecutorOptions } from "./cpu/cpu-executor.js";
export { PagedKvCache } from "./cpu/paged-kv-cache.js";
export { ExecutorError } from "./errors.js";
export { readWeightsF32, type WeightsProgress } from "./model/read-weights.js";
export type { LayerWeights, ModelShape, ModelWeights } from "./model/shape.js";
export { type ExecutorSizes, resolveSizes, type SizeOptions } from "./model/sizes.js";
export { createWasmExecutor, type WasmExecutorOptions } from "./wasm/create-wasm-executor.js";
export { WasmExecutor, type WasmStepTimings } from "./wasm/wasm-executor.js";
export type { WasmWeightDtype } from "./wasm/wasm-weights.js";
export { probeWebGpu, type WebGpuProbe } from "./webgpu/adapter-kind.js";
export { createWebGpuExecutor } from "./webgpu/create-webgpu-executor.js";
export type { WebGpuExecutorOptions, WeightDtypeChoice } from "./webgpu/options.js";
export { type StepTimings, WebGpuExecutor } from "./webgpu/webgpu-executor.js";
