import type { Logger } from "pino";
import type { AccessRecord } from "../logging/access-record.js";
import type { Admission } from "../state/admission.js";
import type { ServerState } from "../state/server-state.js";

/** The Hono environment of the server's app: what middleware puts in the context. */
export interface ServerEnv {
  Variables: {
    /** The id in the access line, the `x-request-id` header, response ids and 500 messages: the client's `X-Request-Id` when it sent one. */
    requestId: string;
    /** Unique per request even when clients reuse an `X-Request-Id`: the engine's request ids. */
    uniqueId: string;
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
  /** 400 for a request field the server does not know (`--strict-params`), instead of a warning. */
  strictParams: boolean;
  /** `--tool-call-parser`: how tool calls are read from chat output; unset, it is detected from the template. */
  toolCallParser?: string;
}
