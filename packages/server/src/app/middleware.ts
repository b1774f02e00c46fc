import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { Logger } from "pino";
import { HttpError } from "../errors/http-error.js";
import { AccessRecord } from "../logging/access-record.js";
import { answerError } from "./answer-error.js";
import type { ServerEnv } from "./env.js";

/**
 * Gives the request an id and an access record; writes the access line unless a stream will. A
 * client's `X-Request-Id` is kept, as vLLM keeps it (in the header, the response ids and the
 * log), so a gateway can follow a request; the engine still gets an id of its own.
 */
export function requestContext(logger: Logger): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const generated = randomUUID().replaceAll("-", "");
    const given = clientRequestId(c.req.header("x-request-id"));
    const requestId = given ?? generated;
    const access = new AccessRecord(requestId, c.req.method, c.req.path, logger);
    c.set("requestId", requestId);
    c.set("uniqueId", given === null ? generated : `${given}-${generated.slice(0, 8)}`);
    c.set("access", access);
    c.set("disconnect", c.req.raw.signal);
    await next();
    c.header("x-request-id", requestId);
    if (!access.deferred) access.end(c.res.status);
  };
}

/**
 * `Authorization: Bearer <key>` or 401. The keys are compared as hashes in constant time, so the
 * answer's timing says nothing about how much of a guess was right.
 */
export function apiKeyAuth(apiKey: string): MiddlewareHandler<ServerEnv> {
  const want = sha256(apiKey);
  return async (c, next) => {
    const header = c.req.header("authorization");
    const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match === null) {
      throw new HttpError(
        "auth.missing_api_key",
        "missing API key: send it as the header Authorization: Bearer <key>",
      );
    }
    if (!timingSafeEqual(sha256(match[1] as string), want)) {
      throw new HttpError("auth.invalid_api_key", "the API key is not valid");
    }
    await next();
  };
}

/** 413 for a body over `maxBytes` (by its Content-Length, or counted while it streams in). */
export function bodySizeLimit(maxBytes: number): MiddlewareHandler<ServerEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpError("request.too_large", `the request body is larger than ${maxBytes} bytes`, {
        details: { maxBytes },
      });
    },
  });
}

// A usable id: printable ASCII without spaces, short enough for a log line and an SSE `id`.
function clientRequestId(header: string | undefined): string | null {
  const id = header?.trim();
  return id !== undefined && /^[\x21-\x7e]{1,128}$/.test(id) ? id : null;
}

/**
 * CORS as vLLM sets it up (`--allowed-origins`, default `*`): any method and header, and
 * preflight `OPTIONS` answered before auth, since browsers send no credentials with it.
 */
export function corsPolicy(allowedOrigins: readonly string[]): MiddlewareHandler<ServerEnv> {
  const any = allowedOrigins.length === 0 || allowedOrigins.includes("*");
  return cors({
    origin: any ? "*" : [...allowedOrigins],
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    exposeHeaders: ["x-request-id", "retry-after"],
    maxAge: 600,
  });
}

/** 405 in OpenAI's error shape, with `Allow`, for a path served under other methods. */
export function wrongMethod(app: Hono<ServerEnv>, logger: Logger): MiddlewareHandler<ServerEnv> {
  return methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => {
      const err = new HttpError(
        "request.method_not_allowed",
        `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(", ")}`,
        { details: { allow: methods } },
      );
      const r = answerError(err, c.get("requestId"), logger);
      return c.json(r.body, r.status, { ...r.headers, Allow: methods.join(", ") });
    },
  });
}

function sha256(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}
