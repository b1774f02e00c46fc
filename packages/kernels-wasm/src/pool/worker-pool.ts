import { WasmKernelError } from "../errors.js";
import type { WasmMemory, WasmModule } from "../runtime/wasm-api.js";
import {
  CTRL_ARGS_OFFSET,
  CTRL_ERROR,
  CTRL_GENERATION,
  CTRL_KERNEL,
  CTRL_PENDING,
  CTRL_SLEEPERS,
  CTRL_STOP,
} from "./control.js";
import { callerCanWait, startWorker } from "./platform.js";
import type { PoolWorker } from "./platform-types.js";
import { WORKER_SOURCE } from "./worker-source.js";

/** The module's entry: runs kernel `kernel` (arguments at `args`) as `thread` of `threads`. */
export type RunKernel = (kernel: number, args: number, thread: number, threads: number) => void;

/**
 * How long workers spin on the generation word before sleeping in Atomics.wait: long enough to
 * span the host work between two dispatches of a step (a small kernel on the calling thread, the
 * next launch), so a decode step wakes a sleeping worker once, not at every matrix.
 */
const WORKER_SPIN_MICROS = 1_000;
/** How long the caller spins on `pending` before sleeping (where it may sleep). */
const CALLER_SPIN_MICROS = 200;

/**
 * A fixed pool of `threads - 1` workers on one shared memory; the caller is thread 0 and does
 * its share. A dispatch writes the kernel id, bumps the generation, wakes sleepers, runs the
 * caller's share and waits for `pending` to reach 0: no message and no allocation per step.
 */
export class WorkerPool {
  private readonly ctrl: Int32Array;
  private readonly canWait = callerCanWait();

  private constructor(
    memory: WasmMemory,
    private readonly ctrlPtr: number,
    readonly threads: number,
    private readonly workers: readonly PoolWorker[],
  ) {
    this.ctrl = new Int32Array(memory.buffer, ctrlPtr, 16);
  }

  /** Starts the workers and resolves once each has instantiated the module. */
  static async start(
    module: WasmModule,
    memory: WasmMemory,
    ctrlPtr: number,
    threads: number,
  ): Promise<WorkerPool> {
    const workers: PoolWorker[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 1; index < threads; index++) {
      ready.push(
        new Promise<void>((resolve, reject) => {
          const data = { module, memory, ctrl: ctrlPtr, index, threads, spinMicros: WORKER_SPIN_MICROS };
          workers.push(
            startWorker(WORKER_SOURCE, data, (m) => {
              const msg = m as { type?: string; message?: string };
              if (msg.type === "ready") resolve();
              else if (msg.type === "error")
                reject(
                  new WasmKernelError(
                    "kernels_wasm.worker_failed",
                    `kernels-wasm worker ${index} failed to start: ${msg.message}`,
                  ),
                );
            }),
          );
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw err;
    }
    return new WorkerPool(memory, ctrlPtr, threads, workers);
  }

  /** Runs `kernel` on every thread (the caller included) and returns when all are done. */
  dispatch(run: RunKernel, kernel: number): void {
    const c = this.ctrl;
    Atomics.store(c, CTRL_KERNEL, kernel);
    Atomics.store(c, CTRL_PENDING, this.threads - 1);
    Atomics.add(c, CTRL_GENERATION, 1);
    if (Atomics.load(c, CTRL_SLEEPERS) !== 0) Atomics.notify(c, CTRL_GENERATION);
    let failure: unknown;
    try {
      run(kernel, this.ctrlPtr + CTRL_ARGS_OFFSET, 0, this.threads);
    } catch (err) {
      failure = err;
    }
    this.waitForWorkers();
    const failed = Atomics.exchange(c, CTRL_ERROR, 0);
    if (failure !== undefined) throw failure;
    if (failed !== 0) {
      throw new WasmKernelError(
        "kernels_wasm.worker_failed",
        `kernels-wasm worker ${failed - 1} trapped while running kernel ${kernel}`,
        { details: { kernel, worker: failed - 1 } },
      );
    }
  }

  private waitForWorkers(): void {
    const c = this.ctrl;
    if (Atomics.load(c, CTRL_PENDING) === 0) return;
    const until = performance.now() + CALLER_SPIN_MICROS / 1000;
    let k = 0;
    for (;;) {
      const pending = Atomics.load(c, CTRL_PENDING);
      if (pending === 0) return;
      if (this.canWait && (++k & 127) === 0 && performance.now() > until) {
        Atomics.wait(c, CTRL_PENDING, pending);
      }
    }
  }

  /** Stops and terminates the workers. */
  async close(): Promise<void> {
    Atomics.store(this.ctrl, CTRL_STOP, 1);
    Atomics.add(this.ctrl, CTRL_GENERATION, 1);
    Atomics.notify(this.ctrl, CTRL_GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
