import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import type { ServerEnv } from "../app/env.js";

/** Serves the built playground (`apps/playground/dist`) at `/playground/`. */
export function registerPlayground(app: Hono<ServerEnv>, dir: string): void {
  app.get("/playground", (c) => c.redirect("/playground/"));
  app.use(
    "/playground/*",
    serveStatic({ root: dir, rewriteRequestPath: (path) => path.slice("/playground".length) }),
  );
}
