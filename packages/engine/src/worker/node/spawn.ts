import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type ResourceLimits, Worker } from "node:worker_threads";
import type { MetricsRecorder } from "@pagoda/metrics";
import type { WorkerInitOptions } from "../protocol.js";
import { WorkerEngine } from "../worker-engine.js";
import { nodePort } from "./node-port.js";

/** Options of {@link spawnWorkerEngine}: `createEngine`'s, a policy by name, and the thread's. */
export interface SpawnWorkerEngineOptions extends WorkerInitOptions {
  /** Receives the worker engine's request events (on this thread's clock) and step records. */
  metrics?: MetricsRecorder;
  /** Called as the worker loads the weights (bytes so far, and in all). */
  onLoadProgress?: (loadedBytes: number, totalBytes: number) => void;
  /** Heap limits of the worker thread. */
  resourceLimits?: ResourceLimits;
}

/**
 * Starts the engine core on a Node worker thread and resolves once the model is loaded; rejects
 * with the worker's typed error (bad model folder, no WebGPU adapter, …).
 *
 * @example
 * const engine = await spawnWorkerEngine({ model: "../shared/models/stories260K", device: "cpu" });
 * for await (const o of await engine.submit({ prompt: "Once upon a time", params: { max_tokens: 20 } })) {
 *   process.stdout.write(o.text);
 * }
 * await engine.close();
 */
export function spawnWorkerEngine(options: SpawnWorkerEngineOptions): Promise<WorkerEngine> {
  const { metrics, resourceLimits, onLoadProgress, ...init } = options;
  const worker = startEngineWorker(resourceLimits === undefined ? {} : { resourceLimits });
  return WorkerEngine.connect(nodePort(worker), init, {
    ...(metrics !== undefined && { metrics }),
    ...(onLoadProgress !== undefined && { onLoadProgress }),
  });
}

/**
 * A bare worker thread running the engine's worker script, for callers that want the `Worker`
 * itself: connect it with `WorkerEngine.connect(nodePort(worker), options)`.
 */
export function startEngineWorker(options: { resourceLimits?: ResourceLimits } = {}): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./entry.js", here), options);
  // Running from the TypeScript sources (vitest, tsx): the entry is TypeScript too, so the worker
  // registers tsx's loader before importing it. Loader flags in `execArgv` do not reach a worker's
  // entry on Node 20, hence the small bootstrap.
  const tsx = tsxEsmApi(here);
  const entry = new URL("./entry.ts", here).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

// The ESM build of tsx's API, as its package.json exports it (`require.resolve` would give the CJS
// build, whose `register` cannot find its hooks from a worker).
function tsxEsmApi(from: string): string {
  const manifest = createRequire(from).resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(manifest, "utf8")) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const file = pkg.exports["./esm/api"]?.import.default;
  if (file === undefined) throw new Error(`tsx at ${manifest} exports no ./esm/api`);
  return pathToFileURL(join(dirname(manifest), file)).href;
}
