import {
  callFromJson,
  contentOrNull,
  type ParsedToolCalls,
  type ToolCall,
  type ToolCallIdSource,
  tryJson,
} from "./tool-call.js";

const MARK = "[TOOL_CALLS]";
const ARGS = "[ARGS]";

/**
 * Mistral: content, then `[TOOL_CALLS]` and either a JSON array of `{name, arguments}` (v3 tokenizers)
 * or one or more `name[ARGS]{...}` (v11+ tokenizers, each call after its own `[TOOL_CALLS]`).
 * Mistral's ids are 9 alphanumerics, but the ids here come from `newId` like every parser's.
 */
export function parseMistralToolCalls(text: string, newId: ToolCallIdSource): ParsedToolCalls {
  const first = text.indexOf(MARK);
  if (first < 0) return { content: contentOrNull(text), toolCalls: [] };
  const asContent: ParsedToolCalls = { content: contentOrNull(text), toolCalls: [] };
  const segments = text.slice(first).split(MARK).slice(1);
  const toolCalls: ToolCall[] = [];
  for (const segment of segments) {
    const calls = segmentCalls(segment.trim(), newId);
    if (calls === null) return asContent;
    toolCalls.push(...calls);
  }
  return { content: contentOrNull(text.slice(0, first)), toolCalls };
}

function segmentCalls(segment: string, newId: ToolCallIdSource): ToolCall[] | null {
  const args = segment.indexOf(ARGS);
  if (args > 0 && !segment.startsWith("[") && !segment.startsWith("{")) {
    const argValue = tryJson(segment.slice(args + ARGS.length).trim());
    if (argValue === undefined) return null;
    const call = callFromJson({ name: segment.slice(0, args).trim(), arguments: argValue }, newId);
    return call === null ? null : [call];
  }
  const value = tryJson(segment);
  const list = Array.isArray(value) ? value : value === undefined ? null : [value];
  if (list === null || list.length === 0) return null;
  const calls: ToolCall[] = [];
  for (const item of list) {
    const call = callFromJson(item, newId);
    if (call === null) return null;
    calls.push(call);
  }
  return calls;
}
