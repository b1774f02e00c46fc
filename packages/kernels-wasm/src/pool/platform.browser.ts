import type { PoolWorker, WorkerStart } from "./platform-types.js";

// Browser twin of platform.ts (selected by package.json's `browser` field): Web Workers from a
// Blob URL; shared memory only in a cross-origin isolated page (COOP + COEP headers).

interface BrowserGlobals {
  navigator?: { hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
  Worker: new (
    url: string,
  ) => {
    postMessage(data: unknown): void;
    terminate(): void;
    onmessage: ((e: { data: unknown }) => void) | null;
    onerror: ((e: { message?: string }) => void) | null;
  };
  Blob: new (parts: string[], options: { type: string }) => unknown;
  URL: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
}

const g = globalThis as unknown as BrowserGlobals;

/** Threads to use by default: `navigator.hardwareConcurrency`. */
export function defaultThreads(): number {
  return g.navigator?.hardwareConcurrency ?? 1;
}

/** Whether a shared `WebAssembly.Memory` can be created and posted to workers here. */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer !== "undefined" && g.crossOriginIsolated === true;
}

let waitable: boolean | undefined;

/** Whether the calling thread may block in `Atomics.wait` (not on a page's main thread). */
export function callerCanWait(): boolean {
  if (waitable === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      waitable = true;
    } catch {
      waitable = false;
    }
  }
  return waitable;
}

/** Starts a Web Worker running `source` with `data`. */
export function startWorker(source: string, data: WorkerStart, onMessage: (m: unknown) => void): PoolWorker {
  const url = g.URL.createObjectURL(new g.Blob([source], { type: "text/javascript" }));
  const worker = new g.Worker(url);
  worker.onmessage = (e) => onMessage(e.data);
  worker.onerror = (e) => onMessage({ type: "error", message: e.message ?? "worker error" });
  worker.postMessage(data);
  return {
    async terminate() {
      worker.terminate();
      g.URL.revokeObjectURL(url);
    },
  };
}
