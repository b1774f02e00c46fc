import { HttpError } from "../errors/http-error.js";
import type { CallRegionFinder } from "./call-regions.js";
import { HERMES_OPEN, hermesCallRegions, parseHermesToolCalls } from "./hermes.js";
import { llama3CallRegions, PYTHON_TAG, parseLlama3JsonToolCalls } from "./llama3-json.js";
import { MISTRAL_MARK, mistralCallRegions, parseMistralToolCalls } from "./mistral.js";
import type { ParsedToolCalls, ToolCallIdSource } from "./tool-call.js";

/** A parser turns a finished output into content and tool calls. */
export type ToolCallParser = (text: string, newId: ToolCallIdSource) => ParsedToolCalls;

/** The parsers by the names vLLM's `--tool-call-parser` uses. */
export const TOOL_CALL_PARSERS: Readonly<Record<string, ToolCallParser>> = {
  hermes: parseHermesToolCalls,
  llama3_json: parseLlama3JsonToolCalls,
  mistral: parseMistralToolCalls,
};

/** Where each parser's calls are in a growing output, so their arguments stream as generated. */
export const TOOL_CALL_REGIONS: Readonly<Record<string, CallRegionFinder>> = {
  hermes: hermesCallRegions,
  llama3_json: llama3CallRegions,
  mistral: mistralCallRegions,
};

/** The names `--tool-call-parser` takes. */
export const TOOL_CALL_PARSER_NAMES = ["hermes", "llama3_json", "mistral"] as const;

/** The parser named `name`; an unknown name is an error listing the known ones. */
export function toolCallParser(name: string): ToolCallParser {
  const parser = TOOL_CALL_PARSERS[name];
  if (parser === undefined) {
    throw new HttpError(
      "request.invalid",
      `unknown tool call parser "${name}"; known: ${Object.keys(TOOL_CALL_PARSERS).join(", ")}`,
      { details: { param: "tool_call_parser" } },
    );
  }
  return parser;
}

// Each family's template writes its own markers; a template writing several families' is ambiguous.
// Llama 3.1+ templates write no call marker for a custom tool, but announce tools with
// "Environment: ipython" and give tool results the `ipython` role.
const MARKERS: ReadonlyArray<readonly [string, string]> = [
  [HERMES_OPEN, "hermes"],
  [MISTRAL_MARK, "mistral"],
  [PYTHON_TAG, "llama3_json"],
  ["Environment: ipython", "llama3_json"],
  ["<|start_header_id|>ipython<|end_header_id|>", "llama3_json"],
];

/**
 * The parser name a chat template (or its rendering of a tool conversation) implies, or `null`
 * when it shows no family's marker or several families' (then `--tool-call-parser` must say which).
 */
export function detectToolCallParser(template: string): string | null {
  const found = new Set(MARKERS.filter(([marker]) => template.includes(marker)).map(([, name]) => name));
  return found.size === 1 ? ([...found][0] ?? null) : null;
}
