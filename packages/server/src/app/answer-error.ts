import type { Logger } from "pino";
import { type HttpErrorResponse, toHttpError } from "../errors/to-http-error.js";

/**
 * {@link toHttpError} plus the log line an internal fault needs: the client's 500 names the
 * request id and nothing else, the log has the error itself under the same id.
 */
export function answerError(err: unknown, requestId: string, logger: Logger): HttpErrorResponse {
  const r = toHttpError(err, { requestId });
  if (r.status === 500) logger.error({ reqId: requestId, err }, "internal error");
  return r;
}
