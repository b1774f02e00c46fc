import { argsAt, arrayCalls, arrayCallsAfter, type CallRegionFinder } from "./call-regions.js";
import { arrayElementTexts, skipWhitespace } from "./json-scan.js";
import type { ParsedToolCalls, ToolCall, ToolCallIdSource } from "./tool-call.js";
import { callFromJson, callFromText, tryJson } from "./tool-call.js";
import type { Tool } from "./tool-request.js";

/** `tool_choice` that forces a call: `required` or a named function. */
export type ForcedChoice = "required" | { type: "function"; function: { name: string } };

const ANY_OBJECT = { type: "object" };

/**
 * The JSON schema the output is constrained to when a call is forced (vLLM's way, which needs no
 * per-family markers): for a named function its `parameters` (the output is the arguments), for
 * `required` a non-empty array of `{name, parameters}` with one branch per tool, of one call when
 * `single` (`parallel_tool_calls: false`).
 */
export function forcedToolSchema(
  tools: readonly Tool[],
  choice: ForcedChoice,
  single = false,
): Record<string, unknown> {
  if (choice !== "required") {
    const tool = tools.find((t) => t.function.name === choice.function.name);
    if (tool === undefined)
      throw new Error(`tool_choice names "${choice.function.name}", which is not in tools`);
    return tool.function.parameters ?? ANY_OBJECT;
  }
  const branches = tools.map((t) => ({
    type: "object",
    properties: {
      name: { type: "string", enum: [t.function.name] },
      parameters: t.function.parameters ?? ANY_OBJECT,
    },
    required: ["name", "parameters"],
  }));
  return { type: "array", minItems: 1, ...(single && { maxItems: 1 }), items: { anyOf: branches } };
}

/**
 * The calls of an output constrained by {@link forcedToolSchema}. An output that does not parse
 * (cut by `max_tokens`) gives no calls and stays content, so the finish reason tells why.
 */
export function forcedToolCalls(
  text: string,
  choice: ForcedChoice,
  newId: ToolCallIdSource,
): ParsedToolCalls {
  const asContent: ParsedToolCalls = { content: text, toolCalls: [] };
  const value = tryJson(text);
  if (value === undefined) return asContent;
  if (choice !== "required") {
    const call = callFromJson({ name: choice.function.name, arguments: value }, newId, text.trim());
    return call === null ? asContent : { content: null, toolCalls: [call] };
  }
  if (!Array.isArray(value) || value.length === 0) return asContent;
  const toolCalls: ToolCall[] = [];
  for (const item of arrayElementTexts(text)) {
    const call = callFromText(item, newId);
    if (call === null) return asContent;
    toolCalls.push(call);
  }
  return { content: null, toolCalls };
}

/**
 * The calls of a growing forced output, for streaming them: for a named function the output is
 * its arguments (so the call is known from the first token), for `required` an array of calls.
 */
export function forcedCallRegions(choice: ForcedChoice): CallRegionFinder {
  if (choice !== "required") {
    return (text, resumed) => (resumed ? [] : [argsAt(choice.function.name, text, 0)]);
  }
  return (text, resumed) => (resumed ? arrayCallsAfter(text, 0) : arrayCalls(text, skipWhitespace(text, 0)));
}
