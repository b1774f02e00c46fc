import type { Logger } from "pino";
import type { AccessRecord } from "../logging/access-record.js";
import type { ServerState } from "../state/server-state.js";

/** The Hono environment of the server's app: what middleware puts in the context. */
export interface ServerEnv {
  Variables: {
    /** The id in the access line, the `x-request-id` header and 500 messages. */
    requestId: string;
    access: AccessRecord;
    /** Aborted when the client goes away (taken before any middleware replaces the request). */
    disconnect: AbortSignal;
  };
}

/** What every route needs besides the request. */
export interface RouteDeps {
  state: ServerState;
  logger: Logger;
  servedModelName: string;
  /** Waiting requests at or above which new ones get 429; `null`: no limit. */
  maxQueue: number | null;
}
