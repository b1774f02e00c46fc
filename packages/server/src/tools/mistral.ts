import { argsAt, arrayCalls, type CallRegion, objectCall, UNNAMED } from "./call-regions.js";
import { arrayElementTexts, skipWhitespace } from "./json-scan.js";
import {
  callFromJson,
  callFromText,
  contentOrNull,
  type ParsedToolCalls,
  type ToolCall,
  type ToolCallIdSource,
  tryJson,
} from "./tool-call.js";

/** Where Mistral's calls begin (before each call on v11+ tokenizers). */
export const MISTRAL_MARK = "[TOOL_CALLS]";
const ARGS = "[ARGS]";

/**
 * Mistral: content, then `[TOOL_CALLS]` and either a JSON array of `{name, arguments}` (v3 tokenizers)
 * or one or more `name[ARGS]{...}` (v11+ tokenizers, each call after its own `[TOOL_CALLS]`).
 * Mistral's ids are 9 alphanumerics, but the ids here come from `newId` like every parser's.
 */
export function parseMistralToolCalls(text: string, newId: ToolCallIdSource): ParsedToolCalls {
  const first = text.indexOf(MISTRAL_MARK);
  if (first < 0) return { content: contentOrNull(text), toolCalls: [] };
  const asContent: ParsedToolCalls = { content: contentOrNull(text), toolCalls: [] };
  const segments = text.slice(first).split(MISTRAL_MARK).slice(1);
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
    const argsText = segment.slice(args + ARGS.length);
    const argValue = tryJson(argsText);
    if (argValue === undefined) return null;
    const name = segment.slice(0, args).trim();
    const call = callFromJson({ name, arguments: argValue }, newId, argsText.trim());
    return call === null ? null : [call];
  }
  const value = tryJson(segment);
  if (value === undefined) return null;
  const items = Array.isArray(value) ? arrayElementTexts(segment) : [segment];
  if (items.length === 0) return null;
  const calls: ToolCall[] = [];
  for (const item of items) {
    const call = callFromText(item, newId);
    if (call === null) return null;
    calls.push(call);
  }
  return calls;
}

/** The Mistral calls in a growing output, for streaming them: each `[TOOL_CALLS]` segment's. */
export function mistralCallRegions(text: string): CallRegion[] {
  const regions: CallRegion[] = [];
  for (let mark = text.indexOf(MISTRAL_MARK); mark >= 0; ) {
    const next = text.indexOf(MISTRAL_MARK, mark + MISTRAL_MARK.length);
    const segment = next < 0 ? text : text.slice(0, next);
    const at = skipWhitespace(segment, mark + MISTRAL_MARK.length);
    const found: CallRegion[] = [];
    if (segment[at] === "[") found.push(...arrayCalls(segment, at));
    else if (segment[at] === "{") found.push(objectCall(segment, at));
    else if (at < segment.length) {
      const args = segment.indexOf(ARGS, at);
      const name = args < 0 ? "" : segment.slice(at, args).trim();
      found.push(name === "" ? UNNAMED : argsAt(name, segment, args + ARGS.length));
    }
    // A segment is finished once the next mark starts, and the scan resumes at that mark.
    for (const call of found) regions.push({ ...call, resumeAt: next < 0 ? null : next });
    mark = next;
  }
  return regions;
}
