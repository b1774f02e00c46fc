import type { ServerType } from "@hono/node-server";
import type { ServerApp } from "../app/create-server-app.js";

/** How long connections may stay open after the last request ended before they are cut. */
const LINGER_MS = 1_000;

/**
 * Drains a server: new requests get 503 and new connections are refused; in-flight generations
 * get `graceMs` to finish, then are aborted (their clients get a 503 or a stream error event);
 * then connections are closed, and the engine too when `closeEngine`.
 */
export async function shutdownServer(
  http: ServerType,
  server: ServerApp,
  o: { graceMs: number; closeEngine: boolean },
): Promise<void> {
  const { state, logger } = server;
  state.drain();
  logger.info({ inFlight: state.numInFlight, graceMs: o.graceMs }, "shutting down");
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  closeIdle(http);
  if (!(await within(state.idle(), o.graceMs))) {
    logger.warn({ inFlight: state.numInFlight }, "grace period over: aborting requests in flight");
    state.abortAll("shutdown");
    await state.idle();
  }
  // Answers still being written get a moment to reach their clients: each keep-alive socket is
  // closed as soon as it is idle, and whatever is left after LINGER_MS is cut.
  const lingerEnd = performance.now() + LINGER_MS;
  let done = false;
  while (!done && performance.now() < lingerEnd) {
    closeIdle(http);
    done = await within(closed, 20);
  }
  if (!done) {
    if ("closeAllConnections" in http) http.closeAllConnections();
    await closed;
  }
  if (o.closeEngine) await state.servedModel?.engine.close();
  logger.info("stopped");
}

function closeIdle(http: ServerType): void {
  if ("closeIdleConnections" in http) http.closeIdleConnections();
}

async function within(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
