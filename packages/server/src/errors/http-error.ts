import { PagodaError } from "@pagoda/errors";

/** The codes the server's own routes and middleware throw; each maps to one HTTP status. */
export type HttpErrorCode =
  | "auth.missing_api_key"
  | "auth.invalid_api_key"
  | "model.not_found"
  | "route.not_found"
  | "request.method_not_allowed"
  | "request.invalid"
  | "request.invalid_json"
  | "request.too_large"
  | "request.unsupported"
  | "request.cancelled"
  | "request.no_chat_template"
  | "cache.busy"
  | "queue.full"
  | "server.not_ready"
  | "server.draining";

/**
 * An error the server raises itself (auth, body size, a full queue, not ready…), answered by
 * {@link toHttpError} like every other Pagoda error. Put the offending field in `details.param`
 * and, for `queue.full` and `server.*`, the suggested wait in `details.retryAfterS`.
 *
 * @example
 * throw new HttpError("queue.full", "the waiting queue is full (256 requests)", { details: { retryAfterS: 2 } });
 */
export class HttpError extends PagodaError {
  declare readonly code: HttpErrorCode;

  constructor(
    code: HttpErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      details?: { param?: string | null; retryAfterS?: number; [key: string]: unknown };
    },
  ) {
    super(code, message, options);
  }
}
