import type { Hono } from "hono";
import type { RouteDeps, ServerEnv } from "../app/env.js";
import { unixSeconds } from "../openai/usage.js";
import { checkModel } from "./read-body.js";

/** `GET /v1/models` (the one served model) and `GET /v1/models/:model` (it, or 404). */
export function registerModelRoutes(app: Hono<ServerEnv>, deps: RouteDeps): void {
  const created = unixSeconds();
  const card = () => ({
    id: deps.servedModelName,
    object: "model" as const,
    created,
    owned_by: "pagoda",
    max_model_len: deps.state.model().maxModelLen,
    // Not OpenAI's: lets a UI offer chat only when a template exists (else chat answers 400).
    capabilities: { chat: deps.state.model().template !== null },
  });
  app.get("/v1/models", (c) => c.json({ object: "list", data: [card()] }));
  app.get("/v1/models/:model", (c) => {
    checkModel(c.req.param("model"), deps.servedModelName);
    return c.json(card());
  });
}
