import type { Logger } from "pino";
import type { AccessRecord } from "../logging/access-record.js";
import type { Admission } from "../state/admission.js";
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
  /** `--max-queue`: 429 while the waiting queue (as this server counts it) is full. */
  admission: Admission;
}
