import type { ChatTemplate } from "@pagoda/model-loaders";
import { HttpError } from "../errors/http-error.js";
import type { CallRegionFinder } from "./call-regions.js";
import { detectTemplateToolParser } from "./detect-parser.js";
import { TOOL_CALL_REGIONS, type ToolCallParser, toolCallParser } from "./parsers.js";

const detected = new WeakMap<ChatTemplate, string | null>();

/**
 * The parser for a request with tools: `--tool-call-parser` when given, else the one the chat
 * template implies (probed once per template). A template that implies none is a 400 saying so.
 */
export function resolveToolParser(
  template: ChatTemplate | null,
  configured: string | undefined,
): { parserName: string; parse: ToolCallParser; regions: CallRegionFinder } {
  if (configured !== undefined) return named(configured);
  let name: string | null = null;
  if (template !== null) {
    if (!detected.has(template)) detected.set(template, detectTemplateToolParser(template));
    name = detected.get(template) ?? null;
  }
  if (name === null) {
    throw new HttpError(
      "request.unsupported",
      "tools need a tool call parser: the chat template shows no format this server recognizes, so start it with --tool-call-parser (hermes, llama3_json or mistral)",
      { details: { param: "tools" } },
    );
  }
  return named(name);
}

function named(parserName: string) {
  const parse = toolCallParser(parserName);
  return { parserName, parse, regions: TOOL_CALL_REGIONS[parserName] ?? (() => []) };
}
