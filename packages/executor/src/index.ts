export { type FlatBatch, flattenBatch } from "./batch/flat-batch.js";
export { type RequestState, RequestStates } from "./batch/request-states.js";
export { CpuExecutor, type CpuExecutorOptions, type Sampler } from "./cpu/cpu-executor.js";
export { PagedKvCache } from "./cpu/paged-kv-cache.js";
export { ExecutorError } from "./errors.js";
export { ropeInvFreq } from "./model/rope.js";
export type { LayerWeights, Llama3RopeScaling, ModelShape, ModelWeights } from "./model/shape.js";
