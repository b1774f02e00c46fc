import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import { HttpError } from "../errors/http-error.js";
import { AccessRecord } from "../logging/access-record.js";
import type { ServerEnv } from "./env.js";

/** Gives the request an id and an access record; writes the access line unless a stream will. */
export function requestContext(logger: Logger): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const requestId = randomUUID().replaceAll("-", "");
    const access = new AccessRecord(requestId, c.req.method, c.req.path, logger);
    c.set("requestId", requestId);
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

function sha256(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}
