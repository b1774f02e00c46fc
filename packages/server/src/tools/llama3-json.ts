import { type CallRegion, objectCall } from "./call-regions.js";
import { skipWhitespace } from "./json-scan.js";
import {
  callFromText,
  type ParsedToolCalls,
  type ToolCall,
  type ToolCallIdSource,
  tryJson,
} from "./tool-call.js";

/** The tag a Llama 3 call may start with. */
export const PYTHON_TAG = "<|python_tag|>";

/**
 * Llama 3.x JSON tool calls: the whole output is `{"name": ..., "parameters": {...}}` (optionally
 * after `<|python_tag|>`), several calls separated by `;`. Anything else is plain content: Llama 3
 * has no marker that separates prose from a call, so a mixed output is read as prose.
 */
export function parseLlama3JsonToolCalls(text: string, newId: ToolCallIdSource): ParsedToolCalls {
  let body = text.trim();
  if (body.startsWith(PYTHON_TAG)) body = body.slice(PYTHON_TAG.length).trim();
  const asContent: ParsedToolCalls = { content: text.trim() === "" ? null : text.trim(), toolCalls: [] };
  if (!body.startsWith("{")) return asContent;
  const parts = tryJson(body) !== undefined ? [body] : splitCalls(body);
  if (parts === null) return asContent;
  const toolCalls: ToolCall[] = [];
  for (const part of parts) {
    const call = callFromText(part, newId);
    if (call === null) return asContent;
    toolCalls.push(call);
  }
  return { content: null, toolCalls };
}

/** `{...}; {...}` as the JSON texts of the calls, or `null` when a piece is not JSON. */
function splitCalls(body: string): string[] | null {
  // A `;` inside a string would split wrongly, so pieces are re-joined until each one parses.
  const out: string[] = [];
  let pending = "";
  for (const piece of body.split(";")) {
    pending = pending === "" ? piece : `${pending};${piece}`;
    if (tryJson(pending.trim()) !== undefined) {
      out.push(pending.trim());
      pending = "";
    }
  }
  return pending.trim() === "" && out.length > 0 ? out : null;
}

/**
 * The Llama 3 JSON calls in a growing output, for streaming them: `{...}; {...}` from its start, or
 * when `resumed`, from the end of a call, where a `;` must come next.
 */
export function llama3CallRegions(text: string, resumed: boolean): CallRegion[] {
  const regions: CallRegion[] = [];
  let i = skipWhitespace(text, 0);
  if (!resumed) {
    if (text.startsWith(PYTHON_TAG, i)) i = skipWhitespace(text, i + PYTHON_TAG.length);
  } else if (text[i] === ";") {
    i = skipWhitespace(text, i + 1);
  } else return regions;
  while (text[i] === "{") {
    const call = objectCall(text, i);
    regions.push(call);
    if (call.end === null) break;
    i = skipWhitespace(text, call.end);
    if (text[i] !== ";") break;
    i = skipWhitespace(text, i + 1);
  }
  return regions;
}
