// Test helpers: a live server on an ephemeral port over a real engine (CPU executor).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AsyncEngine,
  type CreateEngineOptions,
  createEngine,
  type EngineClient,
  type LLM,
} from "@pagoda/engine";
import { pino } from "pino";
import { createServerApp, type ServerApp, type ServerAppOptions } from "../app/create-server-app.js";
import { type RunningServer, startServer } from "../node/start-server.js";

// `shared/` lies beside the repository checkout; this file is packages/server/src/testing/.
const shared = join(dirname(fileURLToPath(import.meta.url)), "../../../../../shared");

/** The stories260K model folder. */
export function storiesDir(): string {
  const dir = join(shared, "models/stories260K");
  if (!existsSync(join(dir, "config.json"))) throw new Error(`stories260K not found at ${dir}`);
  return dir;
}

/** The golden greedy cases: prompt and the whole decoded text (prompt + 256-token continuation). */
export function goldenCases(): Array<{ prompt: string; text: string }> {
  const json = JSON.parse(readFileSync(join(shared, "golden/stories260K-greedy.json"), "utf8"));
  return json.cases.map((c: { prompt: string; text: string }) => ({ prompt: c.prompt, text: c.text }));
}

/** Log lines a test captured, parsed. */
export type LogLine = Record<string, unknown> & { msg?: string; level: number };

/** A logger whose lines land in `lines`. */
export function captureLogger(level = "info") {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

/** What {@link liveServer} started. */
export interface LiveServer {
  url: string;
  server: ServerApp;
  running: RunningServer;
  llm: LLM;
  engine: EngineClient;
  lines: LogLine[];
  /** `${url}/v1` for the openai client. */
  baseURL: string;
}

/** Options of {@link liveServer}: engine sizes, app options, and an engine wrapper for fault tests. */
export interface LiveServerOptions {
  engine?: Partial<CreateEngineOptions>;
  app?: Partial<ServerAppOptions>;
  wrapEngine?: (engine: EngineClient) => EngineClient;
  /** Serve a model other than stories260K. */
  modelDir?: string;
  maxModelLen?: number;
}

/** Starts a server on 127.0.0.1:0 over a CPU engine; stop it with `running.close()`. */
export async function liveServer(o: LiveServerOptions = {}): Promise<LiveServer> {
  const { logger, lines } = captureLogger();
  const server = createServerApp({ servedModelName: "stories260K", logger, ...o.app });
  const llm = await createEngine({
    model: o.modelDir ?? storiesDir(),
    device: "cpu",
    numBlocks: 257,
    blockSize: 16,
    metrics: server.metrics,
    ...o.engine,
  });
  const inThread = new AsyncEngine(llm.engine, () => llm.close());
  const engine = o.wrapEngine ? o.wrapEngine(inThread) : inThread;
  const { tokenizer, chatTemplate } = llm.parts.model;
  server.state.ready({ engine, tokenizer, chatTemplate, maxModelLen: o.maxModelLen ?? 512 });
  const running = await startServer({ server, port: 0 });
  return { url: running.url, baseURL: `${running.url}/v1`, server, running, llm, engine, lines };
}

/** Polls `check` every 5 ms until it holds or `ms` pass; returns whether it held. */
export async function eventually(check: () => boolean, ms = 2_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return check();
}
