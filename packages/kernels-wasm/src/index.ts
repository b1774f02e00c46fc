export { createWasmKernels } from "./create-wasm-kernels.js";
export { WasmKernelError } from "./errors.js";
export type { MatmulArgs } from "./kernels/matmul.js";
export type { RmsNormArgs } from "./kernels/rms-norm.js";
export { PARALLEL_MIN_WORK } from "./runtime/kernel-runtime.js";
export type { WasmKernels, WasmKernelsOptions } from "./wasm-kernels.js";
export { isWeightType, WeightType, weightRowBytes } from "./weight-type.js";
