import { SamplingParamsError } from "../errors.js";
import type { GuidedSpec } from "../structured/guided-spec.js";
import type { SamplingParamsInput } from "./schema.js";

/** vLLM's guided_* sampling fields, at most one per request. */
export const GUIDED_FIELDS = [
  "guided_json",
  "guided_json_object",
  "guided_regex",
  "guided_choice",
  "guided_grammar",
  "guided_structural_tag",
] as const;

type GuidedFields = Pick<SamplingParamsInput, (typeof GUIDED_FIELDS)[number]>;

function invalid(param: string, message: string): SamplingParamsError {
  return new SamplingParamsError("sampling.invalid", `${param}: ${message}`, { details: { param } });
}

/**
 * The request's output constraint from vLLM's guided_* fields (at most one), checked as far as
 * can be done here: the schema must be JSON, the regex must compile. xgrammar compiles the rest
 * when the request is first scheduled.
 */
export function parseGuided(p: GuidedFields): GuidedSpec | null {
  const given = GUIDED_FIELDS.filter((k) => p[k] != null && p[k] !== false);
  if (given.length > 1) {
    throw invalid(given[1] as string, `only one guided_* field may be given; got ${given.join(", ")}`);
  }
  if (p.guided_json != null) {
    const schema = typeof p.guided_json === "string" ? p.guided_json : JSON.stringify(p.guided_json);
    try {
      const parsed: unknown = JSON.parse(schema);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("not an object");
    } catch (err) {
      throw invalid("guided_json", `the schema must be a JSON object (${(err as Error).message})`);
    }
    return { kind: "json_schema", schema };
  }
  if (p.guided_json_object === true) return { kind: "json_object" };
  if (p.guided_regex != null) {
    try {
      new RegExp(p.guided_regex, "u");
    } catch (err) {
      throw invalid("guided_regex", `not a valid regular expression (${(err as Error).message})`);
    }
    return { kind: "regex", pattern: p.guided_regex };
  }
  if (p.guided_choice != null) return { kind: "choice", choices: [...p.guided_choice] };
  if (p.guided_grammar != null) return { kind: "grammar", ebnf: p.guided_grammar };
  if (p.guided_structural_tag != null)
    return { kind: "structural_tag", tag: structuralTag(p.guided_structural_tag) };
  return null;
}

// xgrammar's structural tag as a JSON string: an object whose `format` is an object (its shape is
// xgrammar's to check when it compiles).
function structuralTag(given: string | Record<string, unknown>): string {
  let tag: unknown = given;
  if (typeof given === "string") {
    try {
      tag = JSON.parse(given);
    } catch (err) {
      throw invalid("guided_structural_tag", `not JSON (${(err as Error).message})`);
    }
  }
  const format = (tag as { format?: unknown } | null)?.format;
  if (typeof format !== "object" || format === null || Array.isArray(format)) {
    throw invalid("guided_structural_tag", "must be an object with a format object, {format: {type: ...}}");
  }
  return JSON.stringify(tag);
}
