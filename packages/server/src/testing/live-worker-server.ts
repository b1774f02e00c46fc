// Test helper: a live server whose engine runs on a worker thread, as `pagoda serve` runs it: the
// engine's stats reach this thread only with the worker's messages.
import type { WorkerEngine } from "@pagoda/engine/worker";
import { type SpawnWorkerEngineOptions, spawnWorkerEngine } from "@pagoda/engine/worker/node";
import { loadModel } from "@pagoda/model-loaders";
import { createServerApp, type ServerApp, type ServerAppOptions } from "../app/create-server-app.js";
import { type RunningServer, startServer } from "../node/start-server.js";
import { captureLogger, type LogLine, storiesDir } from "./live-server.js";

/** What {@link liveWorkerServer} started. */
export interface LiveWorkerServer {
  url: string;
  server: ServerApp;
  running: RunningServer;
  engine: WorkerEngine;
  lines: LogLine[];
}

/** Starts a server on 127.0.0.1:0 over stories260K on a worker thread (CPU); stop it with `running.close()`. */
export async function liveWorkerServer(
  o: { engine?: Partial<SpawnWorkerEngineOptions>; app?: Partial<ServerAppOptions> } = {},
): Promise<LiveWorkerServer> {
  const { logger, lines } = captureLogger();
  const server = createServerApp({ servedModelName: "stories260K", logger, ...o.app });
  const model = await loadModel(storiesDir());
  await model.close(); // this thread needs only the tokenizer
  const engine = await spawnWorkerEngine({
    model: storiesDir(),
    device: "cpu",
    numBlocks: 257,
    blockSize: 16,
    metrics: server.metrics,
    ...o.engine,
  });
  const { tokenizer, chatTemplate } = model;
  server.state.ready({ engine, tokenizer, chatTemplate, maxModelLen: engine.info.maxModelLen });
  const running = await startServer({ server, port: 0 });
  return { url: running.url, server, running, engine, lines };
}
