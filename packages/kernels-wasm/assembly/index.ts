// Entry of the kernels module. `run` is the one export the pool calls, on the calling thread
// and in every worker: it reads the kernel's arguments (f64s at `args`) and does the share of
// work of `thread` among `threads`.
import { embedKernel } from "./embed";
import { gatherRowsKernel } from "./gather-rows";
import {
  K_EMBED,
  K_GATHER_ROWS,
  K_LOGITS_STATS,
  K_MATMUL,
  K_NOOP,
  K_PAGED_ATTENTION,
  K_RMS_NORM,
  K_ROPE_AND_CACHE,
  K_SWIGLU,
} from "./kernel-ids";
import { logitsStatsKernel } from "./logits-stats";
import { matmulKernel } from "./matmul";
import { pagedAttentionKernel } from "./paged-attention";
import { rmsNormKernel } from "./rms-norm";
import { ropeAndCacheKernel } from "./rope-and-cache";
import { swigluKernel } from "./swiglu";

/** Runs kernel `kernel` with the arguments at `args`, as thread `thread` of `threads`. */
export function run(kernel: i32, args: usize, thread: i32, threads: i32): void {
  switch (kernel) {
    case K_NOOP:
      break;
    case K_MATMUL:
      matmulKernel(args, thread, threads);
      break;
    case K_RMS_NORM:
      rmsNormKernel(args, thread, threads);
      break;
    case K_ROPE_AND_CACHE:
      ropeAndCacheKernel(args, thread, threads);
      break;
    case K_PAGED_ATTENTION:
      pagedAttentionKernel(args, thread, threads);
      break;
    case K_SWIGLU:
      swigluKernel(args, thread, threads);
      break;
    case K_EMBED:
      embedKernel(args, thread, threads);
      break;
    case K_GATHER_ROWS:
      gatherRowsKernel(args, thread, threads);
      break;
    case K_LOGITS_STATS:
      logitsStatsKernel(args, thread, threads);
      break;
    default:
      unreachable();
  }
}

/** First byte after the module's static data: the pool's allocator starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
