import { readFileSync } from "node:fs";
import type { Context, Hono } from "hono";
import type { ServerEnv } from "../app/env.js";
import type { ServerState } from "../state/server-state.js";

/** This package's version, read once from its package.json (two folders above src/ and dist/ files). */
export function serverVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

/**
 * vLLM's `GET /version` (`{"version": …}`) and `GET|POST /ping` (SageMaker's health probe: the
 * same answer as `/health`, 200 when ready, 503 while loading or draining).
 */
export function registerVersionRoutes(app: Hono<ServerEnv>, state: ServerState, version: string): void {
  app.get("/version", (c) => c.json({ version }));
  const ping = (c: Context<ServerEnv>) =>
    c.json({ status: state.phase }, state.phase === "ready" ? 200 : 503);
  app.get("/ping", ping);
  app.post("/ping", ping);
}
