import type { WasmMemory, WasmModule } from "../runtime/wasm-api.js";

/** What a pool worker receives at start. */
export interface WorkerStart {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  /** Byte offset of the control area. */
  readonly ctrl: number;
  /** This worker's thread index (1 … threads - 1; the caller is 0). */
  readonly index: number;
  readonly threads: number;
  /** How long to spin on the generation word before Atomics.wait. */
  readonly spinMicros: number;
}

/** A started worker. */
export interface PoolWorker {
  terminate(): Promise<void>;
}
