import { WasmKernelError } from "../errors.js";
import { CTRL_ARGS_OFFSET, CTRL_MAX_ARGS } from "../pool/control.js";
import type { RunKernel, WorkerPool } from "../pool/worker-pool.js";
import type { KernelMemory } from "./kernel-memory.js";

/**
 * Below this many multiply-adds (or comparable work) a kernel runs on the calling thread alone:
 * about 20 µs of work, where waking a sleeping worker can cost 30–60 µs on a VM. Measured on
 * stories260K (2 threads): 16,384 made a decode step twice as slow as 1 thread; at 131,072 two
 * threads match or beat one, and SmolLM2-135M's matrices (330 K multiply-adds and up) still split.
 */
export const PARALLEL_MIN_WORK = 131_072;

/**
 * What launchers use: the argument area, argument checks, per-thread scratch and `launch`,
 * which runs a kernel on the calling thread alone or on the whole pool.
 */
export class KernelRuntime {
  private argsView: Float64Array;
  private scratchPtr = 0;
  private scratchBytes = 0;
  private closed = false;

  constructor(
    readonly mem: KernelMemory,
    private readonly run: RunKernel,
    private readonly ctrlPtr: number,
    readonly threads: number,
    private readonly pool: WorkerPool | undefined,
    private readonly parallelMinWork: number = PARALLEL_MIN_WORK,
  ) {
    this.argsView = this.makeArgsView();
  }

  private makeArgsView(): Float64Array {
    return new Float64Array(this.mem.memory.buffer, this.ctrlPtr + CTRL_ARGS_OFFSET, CTRL_MAX_ARGS);
  }

  /** The f64 argument slots of the next launch (a view on the current buffer). */
  args(): Float64Array {
    if (this.closed) throw new WasmKernelError("kernels_wasm.closed", "kernels-wasm: used after close()");
    if (this.argsView.buffer !== this.mem.memory.buffer) this.argsView = this.makeArgsView();
    return this.argsView;
  }

  /** Runs `kernel` with the arguments written by `args()`; `work` decides whether to use the pool. */
  launch(kernel: number, work: number): void {
    const argsPtr = this.ctrlPtr + CTRL_ARGS_OFFSET;
    if (this.pool === undefined || work < this.parallelMinWork) this.run(kernel, argsPtr, 0, 1);
    else this.pool.dispatch(this.run, kernel);
  }

  /** Per-thread scratch of at least `bytes` bytes a thread; returns [base, stride]. */
  scratch(bytes: number): readonly [number, number] {
    if (bytes > this.scratchBytes) {
      const stride = Math.ceil(Math.max(bytes, this.scratchBytes * 2) / 64) * 64;
      this.scratchPtr = this.mem.alloc(stride * this.threads, 64);
      this.scratchBytes = stride;
    }
    return [this.scratchPtr, this.scratchBytes];
  }

  /** Throws unless [ptr, ptr + bytes) lies inside the memory and ptr is a multiple of `align`. */
  checkPtr(kernel: string, name: string, ptr: number, bytes: number, align = 4): void {
    const size = this.mem.byteLength;
    if (!Number.isInteger(ptr) || ptr <= 0 || ptr % align !== 0 || ptr + bytes > size) {
      throw new WasmKernelError(
        "kernels_wasm.bad_argument",
        `${kernel}: ${name} (pointer ${ptr}, ${bytes} bytes, alignment ${align}) is not inside the wasm memory of ${size} bytes`,
        { details: { kernel, argument: name, ptr, bytes, memoryBytes: size } },
      );
    }
  }

  /** An i32 view on the current buffer (for checking index arguments). */
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.mem.memory.buffer, ptr, length);
  }

  /** Throws unless `n` is an integer >= `min` (1 by default). */
  checkCount(kernel: string, name: string, n: number, min = 1): void {
    if (!Number.isInteger(n) || n < min || n > 0x7fffffff) {
      throw new WasmKernelError(
        "kernels_wasm.bad_argument",
        `${kernel}: ${name} must be an integer >= ${min}, got ${n}`,
        {
          details: { kernel, argument: name, value: n },
        },
      );
    }
  }

  /** Throws a bad_argument error naming `name`. */
  fail(kernel: string, name: string, why: string): never {
    throw new WasmKernelError("kernels_wasm.bad_argument", `${kernel}: ${name} ${why}`, {
      details: { kernel, argument: name },
    });
  }

  /** Stops the pool; later launches throw `kernels_wasm.closed`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool?.close();
  }
}
