import { z } from "zod";

/** One of vLLM's (legacy) structural-tag structures: text between `begin` and `end` follows `schema`. */
const structureSchema = z.object({
  begin: z.string().min(1, { error: "structures[].begin must not be empty" }),
  schema: z.record(z.string(), z.unknown(), { error: "structures[].schema must be a JSON schema object" }),
  end: z.string(),
});

/**
 * vLLM's `response_format: {type: "structural_tag"}`: either the legacy `structures` + `triggers`
 * (free text; once a trigger appears, one of the structures that begins with it), or xgrammar's
 * own `format` object, passed on as it is.
 */
export const structuralTagFormatSchema = z.union([
  z.looseObject({
    type: z.literal("structural_tag"),
    structures: z.array(structureSchema).min(1),
    triggers: z.array(z.string().min(1)).min(1),
  }),
  z.looseObject({
    type: z.literal("structural_tag"),
    format: z.record(z.string(), z.unknown()),
  }),
]);

/** The engine's `guided_structural_tag` (xgrammar's `{format}` form) for a structural_tag response_format. */
export function structuralTagSpec(f: z.output<typeof structuralTagFormatSchema>): Record<string, unknown> {
  if ("format" in f) return { type: "structural_tag", format: f.format };
  // The legacy form as xgrammar reads it: triggered tags, each a JSON schema between its markers.
  const tags = f.structures.map((s) => ({
    type: "tag",
    begin: s.begin,
    content: { type: "json_schema", json_schema: s.schema },
    end: s.end,
  }));
  return { type: "structural_tag", format: { type: "triggered_tags", triggers: f.triggers, tags } };
}
