import {
  callFromJson,
  type ParsedToolCalls,
  type ToolCall,
  type ToolCallIdSource,
  tryJson,
} from "./tool-call.js";

const PYTHON_TAG = "<|python_tag|>";

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
  const whole = tryJson(body);
  const parts = whole !== undefined ? [whole] : splitCalls(body);
  if (parts === null) return asContent;
  const toolCalls: ToolCall[] = [];
  for (const part of parts) {
    const call = callFromJson(part, newId);
    if (call === null) return asContent;
    toolCalls.push(call);
  }
  return { content: null, toolCalls };
}

/** `{...}; {...}` as decoded values, or `null` when a piece is not JSON. */
function splitCalls(body: string): unknown[] | null {
  // A `;` inside a string would split wrongly, so pieces are re-joined until each one parses.
  const out: unknown[] = [];
  let pending = "";
  for (const piece of body.split(";")) {
    pending = pending === "" ? piece : `${pending};${piece}`;
    const value = tryJson(pending.trim());
    if (value !== undefined) {
      out.push(value);
      pending = "";
    }
  }
  return pending.trim() === "" && out.length > 0 ? out : null;
}
