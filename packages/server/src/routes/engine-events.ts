import type { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { ServerEnv } from "../app/env.js";
import type { EngineEvents } from "../live/engine-events.js";

/**
 * `GET /v1/engine/events`: Server-Sent Events, `event: snapshot` with an `EngineSnapshotEvent`
 * as `data`, at most about ten per second; the stream ends when the server drains.
 */
export function registerEngineEventsRoute(app: Hono<ServerEnv>, events: EngineEvents): void {
  app.get("/v1/engine/events", (c) =>
    streamSSE(c, async (stream) => {
      let wake: () => void = () => {};
      const ended = new Promise<void>((resolve) => {
        wake = resolve;
      });
      let chain = Promise.resolve();
      const unsubscribe = events.subscribe((json) => {
        if (json === null) return wake();
        // Writes are queued so that snapshots keep their order on a slow connection.
        chain = chain.then(() => stream.writeSSE({ event: "snapshot", data: json })).catch(wake);
      });
      stream.onAbort(wake);
      await ended;
      unsubscribe();
      await chain;
    }),
  );
}
