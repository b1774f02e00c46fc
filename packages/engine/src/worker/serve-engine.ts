import type { CreateEngineOptions } from "../offline/create-engine.js";
import type { LLM } from "../offline/llm.js";
import { EngineHost } from "./engine-host.js";
import { engineInfo } from "./engine-info.js";
import { ForwardingRecorder } from "./forwarding-recorder.js";
import type { EnginePort } from "./port.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { toWire } from "./wire-error.js";

/** Builds the engine from the options the main thread sent: `createEngine`, or a test's own. */
export type BuildEngine = (options: CreateEngineOptions) => Promise<LLM>;

/**
 * The worker side of {@link WorkerEngine}: answers `init` by building the engine with `build`
 * (`ready`, or `init-failed` with the typed error), then serves submit / abort / close until
 * closed. Call it once at the top of a worker script.
 *
 * @example
 * // engine-worker.ts
 * import { parentPort } from "node:worker_threads";
 * serveEngine(nodePort(parentPort!), createEngine);
 */
export function serveEngine(port: EnginePort, build: BuildEngine): void {
  let host: EngineHost | null = null;
  // Messages are handled one at a time, in order: a submit sent right after `ready` must not
  // overtake anything, and `close` must finish before anything after it is looked at.
  let queue: Promise<void> = Promise.resolve();
  const post = (msg: FromWorker) => port.postMessage(msg);

  const handle = async (msg: ToWorker): Promise<void> => {
    if (host !== null) return host.handle(msg);
    if (msg.type !== "init") return; // the main thread sends nothing before `ready`
    const recorder = msg.metrics ? new ForwardingRecorder() : null;
    try {
      const llm = await build({
        ...msg.options,
        ...(recorder !== null && { metrics: recorder }),
        onLoadProgress: throttledProgress(post),
      });
      host = new EngineHost(port, llm, recorder);
      post({
        type: "ready",
        info: engineInfo(llm),
        stats: llm.engine.stats(),
        timeOrigin: performance.timeOrigin,
      });
    } catch (err) {
      post({ type: "init-failed", error: toWire(err) });
    }
  };

  port.onMessage((data) => {
    queue = queue.then(() => handle(data as ToWorker)).catch(crash);
  });
}

// One message per tensor would flood the port for a model with hundreds of tensors: at most one
// per 50 ms, and always the last.
function throttledProgress(post: (msg: FromWorker) => void) {
  let last = 0;
  return (loadedBytes: number, totalBytes: number) => {
    const now = performance.now();
    if (loadedBytes < totalBytes && now - last < 50) return;
    last = now;
    post({ type: "progress", loadedBytes, totalBytes });
  };
}

// A failure outside any request is a bug: throw it where the platform reports it as the worker's
// error (Node: the Worker's `error` event, then exit; browsers: the Worker's `error` event).
function crash(err: unknown): void {
  setTimeout(() => {
    throw err;
  }, 0);
}
