export { type FlatBatch, flattenBatch } from "./batch/flat-batch.js";
export { type RequestState, RequestStates } from "./batch/request-states.js";
export { kernelParams, sampleOnCpu, toTokenLogprobs } from "./batch/sampling.js";
export { CpuExecutor, type CpuExecutorOptions, type Sampler } from "./cpu/cpu-executor.js";
export { PagedKvCache } from "./cpu/paged-kv-cache.js";
export { ExecutorError } from "./errors.js";
export { readWeightsF32 } from "./model/read-weights.js";
export { ropeInvFreq } from "./model/rope.js";
export type { LayerWeights, ModelShape, ModelWeights } from "./model/shape.js";
