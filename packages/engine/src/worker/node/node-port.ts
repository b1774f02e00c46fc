import { type MessagePort, Worker } from "node:worker_threads";
import type { EnginePort } from "../port.js";

/**
 * An {@link EnginePort} over a Node `Worker` (main side: with exit detection, `terminate`, and
 * `unref` while idle so an idle engine does not keep the process alive) or over the worker's
 * `parentPort` (worker side).
 */
export function nodePort(target: Worker | MessagePort): EnginePort {
  const port: EnginePort = {
    postMessage: (message) => target.postMessage(message),
    onMessage: (listener) => {
      target.on("message", listener);
    },
  };
  if (!(target instanceof Worker)) return port;
  const worker = target;
  return {
    ...port,
    onExit: (listener) => {
      let error: unknown = null;
      worker.on("error", (err) => {
        error = err;
      });
      // Node emits `exit` after `error`, so the listener hears of the crash with its cause.
      worker.on("exit", (exitCode) => listener({ exitCode, error }));
    },
    terminate: async () => {
      await worker.terminate();
    },
    setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
  };
}
