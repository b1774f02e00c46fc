import type { PrometheusExporter } from "@pagoda/metrics/prometheus";
import type { Hono } from "hono";
import type { ServerEnv } from "../app/env.js";
import type { ServerState } from "../state/server-state.js";

/** `GET /health` (200 when ready, 503 while loading or draining) and `GET /metrics` (Prometheus). */
export function registerOpsRoutes(
  app: Hono<ServerEnv>,
  state: ServerState,
  exporter: PrometheusExporter,
): void {
  app.get("/health", (c) => c.json({ status: state.phase }, state.phase === "ready" ? 200 : 503));
  app.get("/metrics", async (c) =>
    c.body(await exporter.metrics(), 200, { "Content-Type": exporter.contentType }),
  );
}
