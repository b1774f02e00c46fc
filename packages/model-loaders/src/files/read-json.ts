import type { PagodaError } from "@pagoda/errors";
import type { ModelFiles } from "./model-files.js";

/** JSON files bigger than this are refused before reading (the largest real tokenizer.json is ~35 MB). */
export const MAX_JSON_BYTES = 512 * 1024 * 1024;

type ErrorClass = new (
  code: string,
  message: string,
  options?: { details?: Record<string, unknown> },
) => PagodaError;

/**
 * Reads `name` as a JSON object, or returns `null` when it does not exist. Malformed JSON, a
 * non-object, or an absurd size throws `ErrorClass` with code `<area>.invalid_json`.
 */
export async function readJsonObject(
  files: ModelFiles,
  name: string,
  area: string,
  ErrorClass: ErrorClass,
): Promise<Record<string, unknown> | null> {
  const size = await files.size(name);
  if (size === null) return null;
  const file = files.describe(name);
  const bad = (reason: string): never => {
    throw new ErrorClass(`${area}.invalid_json`, `${file}: ${reason}`, { details: { file } });
  };
  if (size > MAX_JSON_BYTES) bad(`${size} bytes is too large for a JSON file (limit ${MAX_JSON_BYTES})`);
  let json: unknown;
  try {
    json = JSON.parse(await files.readText(name));
  } catch (cause) {
    bad(`not valid JSON (${(cause as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) bad("the JSON is not an object");
  return json as Record<string, unknown>;
}
