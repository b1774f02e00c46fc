import { MetricsRecorder } from "@pagoda/metrics";
import { type MetricsPrefix, PrometheusExporter } from "@pagoda/metrics/prometheus";
import { Hono } from "hono";
import { type Logger, pino } from "pino";
import { HttpError } from "../errors/http-error.js";
import { EngineEvents, type EngineEventsOptions } from "../live/engine-events.js";
import { chatCompletionsRoute } from "../routes/chat-completions.js";
import { completionsRoute } from "../routes/completions.js";
import { registerEngineEventsRoute } from "../routes/engine-events.js";
import { registerOpsRoutes } from "../routes/health.js";
import { registerModelRoutes } from "../routes/models.js";
import { registerPlayground } from "../routes/playground.js";
import { registerResetPrefixCacheRoute } from "../routes/reset-prefix-cache.js";
import { registerTokenizeRoutes } from "../routes/tokenize.js";
import { registerVersionRoutes, serverVersion } from "../routes/version.js";
import { Admission } from "../state/admission.js";
import type { ServedModel } from "../state/served-model.js";
import { ServerState } from "../state/server-state.js";
import { toolCallParser } from "../tools/parsers.js";
import { answerError } from "./answer-error.js";
import type { RouteDeps, ServerEnv } from "./env.js";
import { apiKeyAuth, bodySizeLimit, corsPolicy, requestContext, wrongMethod } from "./middleware.js";

/** Options of {@link createServerApp}; the CLI flag each one backs is named. */
export interface ServerAppOptions {
  /** The `model` clients ask for (`--served-model-name`). */
  servedModelName: string;
  /** Serve this model at once; without it the server is loading (503) until `state.ready(model)`. */
  model?: ServedModel;
  /** Bearer token required on `/v1/*` and `/reset_prefix_cache` (`--api-key`); health, metrics and tokenize stay open. */
  apiKey?: string | null;
  /** 429 while this many requests wait (`--max-queue`); 0 rejects every request. Default: no limit. */
  maxQueue?: number | null;
  /** 413 above this many body bytes; default 4 MiB. */
  maxBodyBytes?: number;
  /** The text of `--chat-template FILE`, used instead of the model's own template. */
  chatTemplate?: string | null;
  /** The recorder the engine feeds (`createEngine({ metrics })`); default a fresh one. */
  metrics?: MetricsRecorder;
  /** `vllm`: `/metrics` under vLLM's names verbatim (`--metrics-prefix`); default `pagoda`. */
  metricsPrefix?: MetricsPrefix;
  /** Where access lines and internal errors go; default pino to stdout. */
  logger?: Logger;
  /** Timing of the live feed at `GET /v1/engine/events`. */
  engineEvents?: EngineEventsOptions;
  /** Static files (the built playground) served at `/playground/`; default none. */
  playgroundDir?: string | null;
  /** 400 for a request field the server does not know (`--strict-params`); default: ignored with a log warning, as vLLM. */
  strictParams?: boolean;
  /**
   * `--tool-call-parser`: hermes, llama3_json or mistral; default: detected from the chat template.
   * An unknown name throws at build time.
   */
  toolCallParser?: string;
  /** Origins allowed by CORS (`--allowed-origins`); default `["*"]`, as vLLM. */
  allowedOrigins?: readonly string[];
  /** What `GET /version` answers; default this package's version. */
  version?: string;
}

/** A built server: the Hono app and what a runner needs to drive it. */
export interface ServerApp {
  /** Serve with any Hono adapter, or with {@link startServer}. */
  app: Hono<ServerEnv>;
  state: ServerState;
  /** Pass it to `createEngine({ metrics })` so `/metrics` shows the engine's numbers. */
  metrics: MetricsRecorder;
  exporter: PrometheusExporter;
  logger: Logger;
}

/**
 * Builds the OpenAI-compatible app: `/v1/completions`, `/v1/chat/completions`, `/v1/models`,
 * `/tokenize`, `/detokenize`, `/health`, `/metrics`, the live feed `/v1/engine/events` and, given
 * its folder, the playground at `/playground/`. Every error is answered in OpenAI's shape.
 *
 * @example
 * const server = createServerApp({ servedModelName: "stories260K" });
 * const running = await startServer({ server, port: 8000 });   // /health is 503: loading
 * const llm = await createEngine({ model: dir, device: "cpu", metrics: server.metrics });
 * server.state.ready({ engine: new AsyncEngine(llm.engine, () => llm.close()),
 *   tokenizer: llm.parts.model.tokenizer, chatTemplate: llm.parts.model.chatTemplate, maxModelLen: 512 });
 */
export function createServerApp(options: ServerAppOptions): ServerApp {
  if (options.toolCallParser !== undefined) toolCallParser(options.toolCallParser);
  const logger = options.logger ?? pino();
  const metrics = options.metrics ?? new MetricsRecorder();
  const exporter = new PrometheusExporter({
    modelName: options.servedModelName,
    prefix: options.metricsPrefix ?? "pagoda",
  });
  metrics.addSink(exporter);
  const state = new ServerState(options.chatTemplate ?? null);
  if (options.model !== undefined) state.ready(options.model);
  const deps: RouteDeps = {
    state,
    logger,
    servedModelName: options.servedModelName,
    strictParams: options.strictParams ?? false,
    ...(options.toolCallParser !== undefined && { toolCallParser: options.toolCallParser }),
    admission: new Admission(options.maxQueue ?? null),
  };

  const app = new Hono<ServerEnv>();
  app.use(requestContext(logger));
  app.use(corsPolicy(options.allowedOrigins ?? ["*"]));
  app.use(wrongMethod(app, logger));
  app.onError((err, c) => {
    const r = answerError(err, c.get("requestId"), logger);
    return c.json(r.body, r.status, r.headers);
  });
  app.notFound((c) => {
    const err = new HttpError("route.not_found", `there is no route ${c.req.method} ${c.req.path}`);
    const r = answerError(err, c.get("requestId"), logger);
    return c.json(r.body, r.status, r.headers);
  });
  registerOpsRoutes(app, state, exporter);
  registerVersionRoutes(app, state, options.version ?? serverVersion());
  if (options.apiKey) {
    app.use("/v1/*", apiKeyAuth(options.apiKey));
    // It changes the engine's state, so it is not left open as the read-only routes are.
    app.use("/reset_prefix_cache", apiKeyAuth(options.apiKey));
  }
  app.use("*", bodySizeLimit(options.maxBodyBytes ?? 4 << 20));
  app.post("/v1/completions", completionsRoute(deps));
  app.post("/v1/chat/completions", chatCompletionsRoute(deps));
  registerModelRoutes(app, deps);
  registerTokenizeRoutes(app, deps);
  registerResetPrefixCacheRoute(app, deps);
  registerEngineEventsRoute(app, new EngineEvents(state, metrics, logger, options.engineEvents));
  if (options.playgroundDir) registerPlayground(app, options.playgroundDir);
  return { app, state, metrics, exporter, logger };
}
