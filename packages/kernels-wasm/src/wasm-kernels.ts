import type { EmbedArgs } from "./kernels/embed.js";
import type { GatherRowsArgs } from "./kernels/gather-rows.js";
import type { LogitsStatsArgs } from "./kernels/logits-stats.js";
import type { MatmulArgs } from "./kernels/matmul.js";
import type { PagedAttentionArgs } from "./kernels/paged-attention.js";
import type { RmsNormArgs } from "./kernels/rms-norm.js";
import type { RopeAndCacheArgs } from "./kernels/rope-and-cache.js";
import type { SwigluArgs } from "./kernels/swiglu.js";

/** Options of `createWasmKernels`. */
export interface WasmKernelsOptions {
  /**
   * Threads, the calling thread included (default: the machine's cores). 1, or no shared
   * memory (no SharedArrayBuffer; a page that is not cross-origin isolated), runs every
   * kernel on the calling thread over a non-shared memory.
   */
  readonly threads?: number;
  /** Maximum bytes of the wasm memory (default and limit: 4 GiB). */
  readonly maximumMemoryBytes?: number;
  /**
   * Kernels with less work than this (multiply-adds or comparable) run on the calling thread
   * alone (default `PARALLEL_MIN_WORK`); 0 sends every kernel to the pool, as the tests do.
   */
  readonly parallelMinWork?: number;
}

/**
 * WebAssembly SIMD kernels over one wasm memory. Pointers are byte offsets in that memory;
 * launchers are synchronous and return when every thread is done.
 */
export interface WasmKernels {
  /** Worker count including the calling thread. */
  readonly threads: number;
  /** False in the single-thread fallback (non-shared memory). */
  readonly sharedMemory: boolean;
  /** Bytes allocated so far (static data included). */
  readonly usedBytes: number;
  /** The most bytes the memory may hold (`maximumMemoryBytes`): `alloc` fails beyond it. */
  readonly maxBytes: number;
  /** Allocates zeroed bytes (never freed), growing the memory; throws `kernels_wasm.out_of_memory`. */
  alloc(byteLength: number, align?: number): number;
  /** A view on the current buffer (make views again after `alloc`: the memory may have grown). */
  f32(ptr: number, length: number): Float32Array;
  i32(ptr: number, length: number): Int32Array;
  u16(ptr: number, length: number): Uint16Array;
  u8(ptr: number, length: number): Uint8Array;
  f64(ptr: number, length: number): Float64Array;
  /** `out[t, o] = Σ_i x[t, i] · weight[o, i] (+ bias[o])`; GEMV for 1–3 rows, tiled GEMM above. */
  matmul(args: MatmulArgs): void;
  /** RMSNorm of rows, optionally after `residual += x` (stored). */
  rmsNorm(args: RmsNormArgs): void;
  /** Optional q/k RMSNorm, rotate-half RoPE on q and k in place, k/v written to the cache slots. */
  ropeAndCache(args: RopeAndCacheArgs): void;
  /** Causal GQA attention over the paged cache for a batch of prefill chunks and decodes. */
  pagedAttention(args: PagedAttentionArgs): void;
  /** `out = silu(gate) · up` over `[rows, 2 · ffn]` rows. */
  swiglu(args: SwigluArgs): void;
  /** Gathers token rows of an embedding table of any weight type into F32. */
  embed(args: EmbedArgs): void;
  /** Copies selected F32 rows (e.g. the rows to sample) into a dense block. */
  gatherRows(args: GatherRowsArgs): void;
  /** Per row of logits: max, log-sum-exp and argmax. */
  logitsStats(args: LogitsStatsArgs): void;
  /** Terminates the workers; later launches throw `kernels_wasm.closed`. */
  close(): Promise<void>;
}
