import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { PoolWorker, WorkerStart } from "./platform-types.js";

// Node's threads. package.json's `browser` field swaps this module for platform.browser.ts, so
// a page's bundle never imports node:os or node:worker_threads.

/** Threads to use by default: the cores this process may run on. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** Whether a shared `WebAssembly.Memory` can be created here. */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer !== "undefined";
}

/** Whether the calling thread may block in `Atomics.wait` (always true in Node). */
export function callerCanWait(): boolean {
  return true;
}

/** Starts a worker running `source` with `data`; once ready, it does not keep the process alive. */
export function startWorker(source: string, data: WorkerStart, onMessage: (m: unknown) => void): PoolWorker {
  const worker = new Worker(source, { eval: true, workerData: data });
  worker.on("message", (m: { type?: string }) => {
    if (m.type === "ready") worker.unref();
    onMessage(m);
  });
  worker.on("error", (err) => onMessage({ type: "error", message: err.message }));
  return {
    async terminate() {
      await worker.terminate();
    },
  };
}
