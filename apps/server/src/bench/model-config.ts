import { readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { MODEL_PRESETS, resolveModel, type SimModel } from "@pagoda/bench";
import { CliUsageError } from "../generate/errors.js";

/** `--model-config`: a preset name, a `config.json` file, or a model folder holding one. */
export async function loadSimModel(value: string): Promise<SimModel> {
  if (MODEL_PRESETS[value.toLowerCase()] !== undefined) return resolveModel(value);
  const info = await stat(value).catch(() => null);
  if (info === null) {
    throw new CliUsageError(
      "cli.bad_argument",
      `--model-config must be a preset (${Object.keys(MODEL_PRESETS).join(", ")}) or a config.json path; got "${value}"`,
      { details: { flag: "model-config" } },
    );
  }
  const file = info.isDirectory() ? join(value, "config.json") : value;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw new CliUsageError("cli.bad_argument", `--model-config: cannot read JSON from ${file}`, { cause });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new CliUsageError("cli.bad_argument", `--model-config: ${file} is not a JSON object`);
  }
  const name = info.isDirectory() ? basename(value) : basename(file);
  return resolveModel(json as Record<string, unknown>, name);
}
