import { PagodaError } from "@pagoda/errors";

/**
 * A kernels-wasm failure: `kernels_wasm.bad_argument` (a launcher argument out of range),
 * `kernels_wasm.out_of_memory` (the memory maximum reached), `kernels_wasm.worker_failed`,
 * `kernels_wasm.closed` (used after `close()`).
 */
export class WasmKernelError extends PagodaError {}
