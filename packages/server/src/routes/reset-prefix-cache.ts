import type { Hono } from "hono";
import type { RouteDeps, ServerEnv } from "../app/env.js";
import { HttpError } from "../errors/http-error.js";

/**
 * vLLM's `POST /reset_prefix_cache`: drops every cached prefix, e.g. between two benchmark runs
 * so the second does not hit the first one's prompts. 200 `{"reset": true}` when done; 409
 * while requests hold KV blocks (nothing changes; retry once they finish).
 */
export function registerResetPrefixCacheRoute(app: Hono<ServerEnv>, deps: RouteDeps): void {
  app.post("/reset_prefix_cache", async (c) => {
    const { engine } = deps.state.model();
    if (!(await engine.resetPrefixCache())) {
      const { numUsedBlocks } = engine.stats().kv;
      throw new HttpError(
        "cache.busy",
        `the prefix cache cannot be reset while requests hold KV blocks (${numUsedBlocks} in use); retry when they finish`,
        { details: { numUsedBlocks } },
      );
    }
    deps.logger.info({ event: "prefix_cache_reset" }, "prefix cache reset");
    return c.json({ reset: true });
  });
}
