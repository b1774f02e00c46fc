import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { ServerApp } from "../app/create-server-app.js";
import { ServerError } from "../errors/server-error.js";
import { shutdownServer } from "./shutdown.js";

/** Options of {@link startServer}. */
export interface StartServerOptions {
  server: ServerApp;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8000; 0 picks a free port (see {@link RunningServer.port}). */
  port?: number;
  /** How long {@link RunningServer.shutdown} lets in-flight requests run; default 30 s. */
  graceMs?: number;
  /** Close the served model's engine at the end of shutdown; default true. */
  closeEngine?: boolean;
}

/** A server listening on a port. */
export interface RunningServer {
  /** `http://host:port`, with the port really bound. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * Graceful stop (wire SIGTERM / SIGINT to it): new connections are refused and new requests on
   * open ones get 503; in-flight requests may finish within `graceMs`, then the rest are aborted;
   * resolves once every connection is closed (and the engine too, unless `closeEngine: false`).
   * Calling it again returns the same promise.
   */
  shutdown(graceMs?: number): Promise<void>;
  /** `shutdown(0)`: aborts whatever is in flight at once. */
  close(): Promise<void>;
}

/**
 * Serves a {@link ServerApp} over HTTP with `@hono/node-server`. Rejects with
 * `server.listen_failed` when the port cannot be bound.
 *
 * @example
 * const running = await startServer({ server, host: "127.0.0.1", port: 8000, graceMs: 30_000 });
 * process.once("SIGTERM", () => void running.shutdown().then(() => process.exit(0)));
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const { server } = options;
  const http = serve({ fetch: server.app.fetch, hostname: host, port: options.port ?? 8000 });
  await new Promise<void>((resolve, reject) => {
    const onError = (cause: Error) =>
      reject(
        new ServerError(
          "server.listen_failed",
          `cannot listen on ${host}:${options.port ?? 8000}: ${cause.message}`,
          {
            cause,
          },
        ),
      );
    http.once("error", onError);
    http.once("listening", () => {
      http.off("error", onError);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let stopping: Promise<void> | null = null;
  const shutdown = (graceMs = options.graceMs ?? 30_000) => {
    stopping ??= shutdownServer(http, server, { graceMs, closeEngine: options.closeEngine ?? true });
    return stopping;
  };
  server.logger.info({ url }, "listening");
  return { url, host, port, shutdown, close: () => shutdown(0) };
}
