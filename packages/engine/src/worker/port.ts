/** Why the other side of an {@link EnginePort} is gone. */
export interface PortExit {
  /** The thread's exit code where the platform tells it. */
  exitCode: number | null;
  /** The uncaught error that ended it, if any. */
  error: unknown;
}

/**
 * The one thing the worker protocol needs from a platform: a two-way message channel. A Node
 * `Worker` / `parentPort` fits it through `nodePort` (`@pagoda/engine/worker/node`); a Web Worker,
 * a worker's `self` or a `MessagePort` through {@link webPort}. The optional members are for the
 * main side's end of the channel.
 */
export interface EnginePort {
  /** Sends one structured-clonable message. */
  postMessage(message: unknown): void;
  /** Calls `listener` with the data of every message that arrives from now on. */
  onMessage(listener: (data: unknown) => void): void;
  /** Calls `listener` once if the worker dies (exits, or throws uncaught). */
  onExit?(listener: (exit: PortExit) => void): void;
  /** Ends the worker. */
  terminate?(): Promise<void>;
  /**
   * Told whether requests are in flight, so a platform can let an idle worker not keep the
   * process alive (Node: `ref` / `unref`).
   */
  setBusy?(busy: boolean): void;
}

/** A `postMessage` / `addEventListener` target: a Web Worker, a worker's `self`, a `MessagePort`. */
export interface MessageTargetLike {
  postMessage(message: unknown): void;
  addEventListener(type: "message" | "error", listener: (event: Event) => void): void;
  /** A Web Worker's (main side). */
  terminate?(): void;
  /** A `MessagePort`'s, which delivers nothing until started. */
  start?(): void;
}

/**
 * An {@link EnginePort} over a Web Worker (main side), a worker's global scope (worker side) or a
 * `MessagePort`. An uncaught error in a Web Worker counts as its exit: the engine stops using it.
 *
 * @example
 * // engine-worker.js, started with new Worker(new URL("./engine-worker.js", import.meta.url), { type: "module" })
 * serveEngine(webPort(self), createEngine);
 * // main thread
 * const engine = await WorkerEngine.connect(webPort(worker), { model: "/models/stories260K" });
 */
export function webPort(target: MessageTargetLike): EnginePort {
  return {
    postMessage: (message) => target.postMessage(message),
    onMessage: (listener) => {
      target.addEventListener("message", (event) => listener((event as Event & { data: unknown }).data));
      target.start?.();
    },
    onExit: (listener) => {
      target.addEventListener("error", (event) => {
        const { error, message } = event as Event & { error?: unknown; message?: string };
        listener({ exitCode: null, error: error ?? message ?? "an uncaught error" });
      });
    },
    terminate: async () => target.terminate?.(),
  };
}
