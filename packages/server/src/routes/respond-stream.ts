import type { Context } from "hono";
import type { ServerEnv } from "../app/env.js";
import type { Generation } from "../generation/generation.js";
import { sseResponse } from "../generation/sse.js";

/**
 * Answers with an SSE stream of `events`. A client that goes away aborts the generation; the
 * access line is written once the engine is done with it.
 */
export function respondWithStream(
  c: Context<ServerEnv>,
  gen: Generation,
  events: AsyncIterable<unknown>,
): Response {
  const access = c.get("access");
  access.deferToStream();
  return sseResponse(events, {
    onCancel: () => gen.abort("disconnect"),
    onClose: () => void gen.done.then(() => access.end(200)),
  });
}
