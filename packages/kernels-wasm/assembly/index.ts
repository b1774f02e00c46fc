// Entry of the kernels module. `run` is the one export the pool calls, on the calling thread
// and in every worker: it reads the kernel's arguments (f64s at `args`) and does the share of
// work of `thread` among `threads`.
import { K_MATMUL, K_RMS_NORM } from "./kernel-ids";
import { matmulKernel } from "./matmul";
import { rmsNormKernel } from "./rms-norm";

export { CHUNK as MATMUL_CHUNK } from "./matmul";

/** Runs kernel `kernel` with the arguments at `args`, as thread `thread` of `threads`. */
export function run(kernel: i32, args: usize, thread: i32, threads: i32): void {
  switch (kernel) {
    case K_MATMUL:
      matmulKernel(args, thread, threads);
      break;
    case K_RMS_NORM:
      rmsNormKernel(args, thread, threads);
      break;
    default:
      unreachable();
  }
}

/** First byte after the module's static data: the pool's allocator starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
