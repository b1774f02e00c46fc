import { isPagodaError } from "@pagoda/errors";
import type { Context } from "hono";
import type { z } from "zod";
import { HttpError } from "../errors/http-error.js";

/**
 * The JSON body checked against `schema`: a body that is not JSON is a 400 `request.invalid_json`,
 * a zod failure a 400 naming the first bad field (through `toHttpError`).
 */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
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
  return schema.parse(json);
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
