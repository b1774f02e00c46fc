import { isPagodaError } from "@pagoda/errors";
import type { Context } from "hono";
import type { Logger } from "pino";
import { z } from "zod";
import type { RouteDeps, ServerEnv } from "../app/env.js";
import { HttpError } from "../errors/http-error.js";

/** How a generation route treats fields its schema does not know (`--strict-params`). */
export interface UnknownFields {
  /** 400 naming the first unknown field instead of ignoring it. */
  strict: boolean;
  logger: Logger;
  requestId: string;
}

/**
 * The JSON body checked against `schema`: a body that is not JSON is a 400 `request.invalid_json`,
 * a zod failure a 400 naming the first bad field (through `toHttpError`). With `unknown`, top-level
 * fields the schema does not name are ignored with a warning in the log, as vLLM does, or (strict)
 * rejected; without it the schema decides.
 */
export async function readBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  unknown?: UnknownFields,
): Promise<z.output<S>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch (cause) {
    if (isPagodaError(cause)) throw cause; // the body limit's 413
    throw new HttpError("request.invalid_json", `the request body is not valid JSON (${String(cause)})`, {
      cause,
      details: { param: null },
    });
  }
  if (unknown !== undefined && schema instanceof z.ZodObject) {
    if (unknown.strict) return schema.strict().parse(json) as z.output<S>;
    const fields = unknownFields(json, schema);
    if (fields.length > 0) {
      unknown.logger.warn(
        { requestId: unknown.requestId, fields },
        `ignored request fields not supported by this server: ${fields.join(", ")}`,
      );
    }
  }
  return schema.parse(json);
}

function unknownFields(json: unknown, schema: z.ZodObject): string[] {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return [];
  return Object.keys(json).filter((key) => !Object.hasOwn(schema.shape, key));
}

/** The unknown-field policy of a generation route: the server's `--strict-params` and this request's log. */
export function unknownFieldPolicy(c: Context<ServerEnv>, deps: RouteDeps): UnknownFields {
  return { strict: deps.strictParams, logger: deps.logger, requestId: c.get("requestId") };
}

/** 404 unless `requested` names the served model; a request that names none gets it. */
export function checkModel(requested: string | null | undefined, served: string): void {
  if (requested == null || requested === served) return;
  throw new HttpError(
    "model.not_found",
    `The model "${requested}" does not exist; this server serves "${served}"`,
    {
      details: { param: "model" },
    },
  );
}
