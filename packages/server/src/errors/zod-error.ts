import { z } from "zod";
import { HttpError } from "./http-error.js";

/** `["messages", 0, "content"]` → `"messages[0].content"`, the form OpenAI's `param` uses. */
export function formatParamPath(path: readonly PropertyKey[]): string | null {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? null : out;
}

/**
 * Turns a zod validation failure of a request body into a 400 `request.invalid` naming the first
 * bad field: clients fix one field at a time, and one message stays readable.
 */
export function fromZodError(err: z.core.$ZodError): HttpError {
  const issue = err.issues[0];
  if (!issue)
    return new HttpError("request.invalid", "the request body is invalid", { details: { param: null } });
  // An unknown key is reported at the object holding it; name the key itself.
  const path =
    issue.code === "unrecognized_keys" && issue.keys[0] !== undefined
      ? [...issue.path, issue.keys[0]]
      : issue.path;
  const param = formatParamPath(path);
  const what = issue.code === "unrecognized_keys" ? "Unrecognized field" : issue.message;
  return new HttpError("request.invalid", param === null ? `request body: ${what}` : `${param}: ${what}`, {
    cause: err,
    details: { param },
  });
}

/** True for a zod validation error (classic `ZodError` or the core `$ZodError` of zod/mini). */
export function isZodError(err: unknown): err is z.core.$ZodError {
  return err instanceof z.core.$ZodError;
}
