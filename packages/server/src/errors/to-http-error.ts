import { isPagodaError } from "@pagoda/errors";
import { classifyCode, type ErrorStatus, INTERNAL } from "./error-classes.js";
import { fromZodError, isZodError } from "./zod-error.js";

/** The OpenAI error body: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** A ready-to-send error answer. */
export interface HttpErrorResponse {
  status: ErrorStatus;
  body: OpenAIErrorBody;
  headers?: Record<string, string>;
}

/**
 * The one place that turns an error into an HTTP answer. Pagoda errors whose code a client can
 * act on (bad sampling fields, auth, unknown model, body size, full queue, not ready) keep their
 * message, code and `param`; zod failures become 400 naming the first bad field; anything else
 * is a 500 whose message reveals nothing: log `err` yourself, with the same request id.
 *
 * @example
 * app.onError((err, c) => {
 *   const r = toHttpError(err, { requestId });
 *   if (r.status === 500) log.error({ err, requestId });
 *   return c.json(r.body, r.status, r.headers);
 * });
 */
export function toHttpError(err: unknown, options: { requestId?: string } = {}): HttpErrorResponse {
  const known = isZodError(err) ? fromZodError(err) : err;
  const cls = isPagodaError(known) ? classifyCode(known.code) : null;
  if (!isPagodaError(known) || cls === null) {
    const id = options.requestId === undefined ? "" : ` (request id ${options.requestId})`;
    return {
      status: INTERNAL.status,
      body: {
        error: {
          message: `The server had an internal error while processing your request${id}.`,
          type: INTERNAL.type,
          param: null,
          code: "internal_error",
        },
      },
    };
  }
  const param = known.details?.param;
  const response: HttpErrorResponse = {
    status: cls.status,
    body: {
      error: {
        message: known.message,
        type: cls.type,
        param: typeof param === "string" ? param : null,
        code: known.code,
      },
    },
  };
  const retry = retryAfter(cls.status, known.details?.retryAfterS);
  if (retry !== null) response.headers = { "Retry-After": retry };
  return response;
}

// 429 always tells the client when to come back (1 s unless the thrower knows better); a 503
// does only when the thrower gave a wait, e.g. the time left while weights load.
function retryAfter(status: number, seconds: unknown): string | null {
  const given = typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? seconds : null;
  if (status === 429) return String(Math.ceil(given ?? 1));
  if (status === 503 && given !== null) return String(Math.ceil(given));
  return null;
}
