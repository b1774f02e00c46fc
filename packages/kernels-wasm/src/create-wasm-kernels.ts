import { WasmKernelError } from "./errors.js";
import { KERNELS_WASM_PLAIN, KERNELS_WASM_SHARED } from "./generated/kernels-wasm.js";
import { type EmbedArgs, embed } from "./kernels/embed.js";
import { type GatherRowsArgs, gatherRows } from "./kernels/gather-rows.js";
import { type LogitsStatsArgs, logitsStats } from "./kernels/logits-stats.js";
import { type MatmulArgs, matmul } from "./kernels/matmul.js";
import { type PagedAttentionArgs, pagedAttention } from "./kernels/paged-attention.js";
import { type RmsNormArgs, rmsNorm } from "./kernels/rms-norm.js";
import { type RopeAndCacheArgs, ropeAndCache } from "./kernels/rope-and-cache.js";
import { type SwigluArgs, swiglu } from "./kernels/swiglu.js";
import { CTRL_BYTES } from "./pool/control.js";
import { canShareMemory, defaultThreads } from "./pool/platform.js";
import { type RunKernel, WorkerPool } from "./pool/worker-pool.js";
import { KernelMemory, WASM_PAGE_BYTES } from "./runtime/kernel-memory.js";
import { KernelRuntime, PARALLEL_MIN_WORK } from "./runtime/kernel-runtime.js";
import { type WasmMemory, type WasmModule, wasmApi } from "./runtime/wasm-api.js";
import type { WasmKernels, WasmKernelsOptions } from "./wasm-kernels.js";

const MAX_PAGES = 65536;
const INITIAL_PAGES = 16;

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

const modules = new Map<boolean, Promise<WasmModule>>();

function compiled(shared: boolean): Promise<WasmModule> {
  const cached = modules.get(shared);
  if (cached !== undefined) return cached;
  const m = wasmApi.compile(decodeBase64(shared ? KERNELS_WASM_SHARED : KERNELS_WASM_PLAIN));
  modules.set(shared, m);
  return m;
}

function maxPages(bytes: number | undefined): number {
  if (bytes === undefined) return MAX_PAGES;
  if (!Number.isFinite(bytes) || bytes < INITIAL_PAGES * WASM_PAGE_BYTES) {
    throw new WasmKernelError(
      "kernels_wasm.bad_argument",
      `createWasmKernels: maximumMemoryBytes must be at least ${INITIAL_PAGES * WASM_PAGE_BYTES}, got ${bytes}`,
    );
  }
  return Math.min(MAX_PAGES, Math.floor(bytes / WASM_PAGE_BYTES));
}

/**
 * Compiles the kernels (once per process) and starts a pool of `threads - 1` workers on one
 * shared memory, or the single-thread fallback.
 *
 * @example
 * const k = await createWasmKernels();
 * const x = k.alloc(576 * 4);
 * k.matmul({ x, weight, weightType: WeightType.F16, out, numRows: 1, inDim: 576, outDim: 1536 });
 */
export async function createWasmKernels(options: WasmKernelsOptions = {}): Promise<WasmKernels> {
  const { rt, shared } = await createKernelRuntime(options);
  return new WasmKernelsImpl(rt, shared);
}

/** The runtime under `createWasmKernels` (for the package's benchmarks; not exported). */
export async function createKernelRuntime(
  options: WasmKernelsOptions,
): Promise<{ rt: KernelRuntime; shared: boolean }> {
  const requested = options.threads ?? defaultThreads();
  if (!Number.isInteger(requested) || requested < 1) {
    throw new WasmKernelError(
      "kernels_wasm.bad_argument",
      `createWasmKernels: threads must be an integer >= 1, got ${requested}`,
    );
  }
  const shared = requested > 1 && canShareMemory();
  const threads = shared ? requested : 1;
  const maximum = maxPages(options.maximumMemoryBytes);
  const memory = new wasmApi.Memory({ initial: INITIAL_PAGES, maximum, shared });
  const module = await compiled(shared);
  const abort = () => {
    throw new WasmKernelError("kernels_wasm.worker_failed", "kernels-wasm: the module aborted");
  };
  const instance = await wasmApi.instantiate(module, { env: { memory, abort } });
  const exports = instance.exports as { run: RunKernel; heapBase: () => number };
  const mem = new KernelMemory(memory, exports.heapBase(), maximum * WASM_PAGE_BYTES);
  const ctrl = mem.alloc(CTRL_BYTES, 64);
  const pool = threads > 1 ? await WorkerPool.start(module, memory, ctrl, threads) : undefined;
  const minWork = options.parallelMinWork ?? PARALLEL_MIN_WORK;
  if (!(Number.isFinite(minWork) && minWork >= 0)) {
    throw new WasmKernelError(
      "kernels_wasm.bad_argument",
      `createWasmKernels: parallelMinWork must be a number >= 0, got ${minWork}`,
    );
  }
  return { rt: new KernelRuntime(mem, exports.run, ctrl, threads, pool, minWork), shared };
}

class WasmKernelsImpl implements WasmKernels {
  readonly threads: number;
  private readonly memory: WasmMemory;

  constructor(
    private readonly rt: KernelRuntime,
    readonly sharedMemory: boolean,
  ) {
    this.threads = rt.threads;
    this.memory = rt.mem.memory;
  }

  get usedBytes(): number {
    return this.rt.mem.used;
  }
  get maxBytes(): number {
    return this.rt.mem.maxBytes;
  }
  alloc(byteLength: number, align?: number): number {
    return this.rt.mem.alloc(byteLength, align);
  }
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }
  u16(ptr: number, length: number): Uint16Array {
    return new Uint16Array(this.memory.buffer, ptr, length);
  }
  u8(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }
  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }
  matmul(args: MatmulArgs): void {
    matmul(this.rt, args);
  }
  rmsNorm(args: RmsNormArgs): void {
    rmsNorm(this.rt, args);
  }
  ropeAndCache(args: RopeAndCacheArgs): void {
    ropeAndCache(this.rt, args);
  }
  pagedAttention(args: PagedAttentionArgs): void {
    pagedAttention(this.rt, args);
  }
  swiglu(args: SwigluArgs): void {
    swiglu(this.rt, args);
  }
  embed(args: EmbedArgs): void {
    embed(this.rt, args);
  }
  gatherRows(args: GatherRowsArgs): void {
    gatherRows(this.rt, args);
  }
  logitsStats(args: LogitsStatsArgs): void {
    logitsStats(this.rt, args);
  }
  close(): Promise<void> {
    return this.rt.close();
  }
}
