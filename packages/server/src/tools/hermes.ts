import { type CallRegion, objectCall } from "./call-regions.js";
import { skipWhitespace } from "./json-scan.js";
import {
  callFromText,
  contentOrNull,
  type ParsedToolCalls,
  type ToolCall,
  type ToolCallIdSource,
} from "./tool-call.js";

/** Where a hermes call begins. */
export const HERMES_OPEN = "<tool_call>";
const CLOSE = "</tool_call>";

/**
 * Qwen3 / Hermes: each call is `<tool_call>{"name": ..., "arguments": {...}}</tool_call>`; text
 * before and between calls is content. An unclosed last call (the output was cut) or a body that
 * is not a call stays in the content, so nothing the model wrote is lost.
 */
export function parseHermesToolCalls(text: string, newId: ToolCallIdSource): ParsedToolCalls {
  const toolCalls: ToolCall[] = [];
  let content = "";
  let at = 0;
  for (;;) {
    const open = text.indexOf(HERMES_OPEN, at);
    if (open < 0) break;
    const close = text.indexOf(CLOSE, open + HERMES_OPEN.length);
    if (close < 0) break;
    const call = callFromText(text.slice(open + HERMES_OPEN.length, close), newId);
    if (call === null) {
      content += text.slice(at, close + CLOSE.length);
    } else {
      content += text.slice(at, open);
      toolCalls.push(call);
    }
    at = close + CLOSE.length;
  }
  content += text.slice(at);
  return { content: contentOrNull(content), toolCalls };
}

/** The hermes calls in a growing output, for streaming them: one per `<tool_call>`. */
export function hermesCallRegions(text: string): CallRegion[] {
  const regions: CallRegion[] = [];
  let at = 0;
  for (;;) {
    const open = text.indexOf(HERMES_OPEN, at);
    if (open < 0) return regions;
    const close = text.indexOf(CLOSE, open + HERMES_OPEN.length);
    const body = close < 0 ? text : text.slice(0, close);
    const call = objectCall(body, skipWhitespace(body, open + HERMES_OPEN.length));
    // A closed call resumes past its close tag, where the whole-text scan would look next.
    regions.push({ ...call, resumeAt: close < 0 ? null : close + CLOSE.length });
    if (close < 0) return regions;
    at = close + CLOSE.length;
  }
}
