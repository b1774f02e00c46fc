export { createWasmKernels } from "./create-wasm-kernels.js";
export { WasmKernelError } from "./errors.js";
export type { EmbedArgs } from "./kernels/embed.js";
export type { GatherRowsArgs } from "./kernels/gather-rows.js";
export type { LogitsStatsArgs } from "./kernels/logits-stats.js";
export type { MatmulArgs } from "./kernels/matmul.js";
export type { PagedAttentionArgs } from "./kernels/paged-attention.js";
export type { RmsNormArgs } from "./kernels/rms-norm.js";
export type { RopeAndCacheArgs } from "./kernels/rope-and-cache.js";
export type { SwigluArgs } from "./kernels/swiglu.js";
export { PARALLEL_MIN_WORK } from "./runtime/kernel-runtime.js";
export type { WasmKernels, WasmKernelsOptions } from "./wasm-kernels.js";
export {
  fitsWeightBlocks,
  isQuantizedWeightType,
  isWeightType,
  WEIGHT_BLOCK,
  WeightType,
  weightRowBytes,
  weightTypeName,
} from "./weight-type.js";
