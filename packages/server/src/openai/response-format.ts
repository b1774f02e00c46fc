import { GUIDED_FIELDS } from "@pagoda/engine";
import { z } from "zod";
import { HttpError } from "../errors/http-error.js";
import { structuralTagFormatSchema, structuralTagSpec } from "./structural-tag.js";

/** OpenAI's `response_format`: text, any JSON object, JSON matching a schema, or vLLM's structural tag. */
export const responseFormatSchema = z.union(
  [
    z.looseObject({ type: z.literal("text") }),
    z.looseObject({ type: z.literal("json_object") }),
    z.looseObject({
      type: z.literal("json_schema"),
      json_schema: z.looseObject({
        name: z.string().min(1),
        schema: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish(),
      }),
    }),
    structuralTagFormatSchema,
  ],
  {
    error:
      'response_format must be {type: "text"}, {type: "json_object"}, {type: "json_schema", json_schema: {name, schema, strict}} or {type: "structural_tag", structures, triggers} / {type: "structural_tag", format}',
  },
);

/**
 * The engine's guided field for a `response_format` (none for text), added to `sampling`.
 * A json_schema without a schema is any JSON object, as OpenAI reads it. Giving a guided_*
 * field too is a 400: the two would have to agree.
 */
export function applyResponseFormat(
  sampling: Record<string, unknown>,
  format: z.output<typeof responseFormatSchema> | null | undefined,
): void {
  if (format == null || format.type === "text") return;
  const clash = GUIDED_FIELDS.find((k) => sampling[k] != null);
  if (clash !== undefined) {
    throw new HttpError("request.invalid", `response_format and ${clash} cannot both be given`, {
      details: { param: "response_format" },
    });
  }
  if (format.type === "structural_tag") {
    sampling.guided_structural_tag = structuralTagSpec(format);
    return;
  }
  const schema = format.type === "json_schema" ? format.json_schema.schema : null;
  if (schema != null) sampling.guided_json = schema;
  else sampling.guided_json_object = true;
}

/** vLLM's newer `structured_outputs` object: one of json, json_object, regex, choice, grammar, structural_tag. */
export const structuredOutputsSchema = z.looseObject({
  json: z.unknown().optional(),
  json_object: z.boolean().nullish(),
  regex: z.unknown().optional(),
  choice: z.unknown().optional(),
  grammar: z.unknown().optional(),
  structural_tag: z.unknown().optional(),
});

const STRUCTURED_TO_GUIDED = {
  json: "guided_json",
  json_object: "guided_json_object",
  regex: "guided_regex",
  choice: "guided_choice",
  grammar: "guided_grammar",
  structural_tag: "guided_structural_tag",
} as const;

/**
 * Copies `structured_outputs`' fields onto the engine's guided_* ones (which check them); a
 * request with both forms is a 400, as they would have to agree.
 */
export function applyStructuredOutputs(
  sampling: Record<string, unknown>,
  so: z.output<typeof structuredOutputsSchema> | null | undefined,
): void {
  if (so == null) return;
  for (const [from, to] of Object.entries(STRUCTURED_TO_GUIDED)) {
    const value = so[from as keyof typeof STRUCTURED_TO_GUIDED];
    if (value == null) continue;
    if (sampling[to] != null) {
      throw new HttpError("request.invalid", `structured_outputs and ${to} cannot both be given`, {
        details: { param: "structured_outputs" },
      });
    }
    sampling[to] = value;
  }
}
