import type { ToolCallParser } from "./parsers.js";
import type { ParsedToolCalls, ToolCallIdSource } from "./tool-call.js";

/** The stream mode of a forced tool choice: the whole output is the calls, so all of it is held. */
export const FORCED_PARSER_NAME = "forced";

// Where a call can begin, per parser: text from there on is held back until the output ends.
const CALL_MARKERS: Readonly<Record<string, readonly string[]>> = {
  hermes: ["<tool_call>"],
  mistral: ["[TOOL_CALLS]"],
};

/**
 * Splits a streamed output into content that can be sent at once and a held tail that may be a
 * tool call. Content streams until a call marker (or a possible start of one) appears; from there
 * text is held and parsed when the output ends. Llama 3 JSON has no marker: an output that starts
 * with `{` or `<|python_tag|>` is held whole.
 */
export class ToolCallStream {
  private text = "";
  private sent = 0;

  constructor(
    private readonly parserName: string,
    private readonly parse: ToolCallParser,
    private readonly newId: ToolCallIdSource,
  ) {}

  /** Adds generated text; returns the content that can be sent now (possibly ""). */
  push(more: string): string {
    this.text += more;
    const end = this.safeEnd();
    if (end <= this.sent) return "";
    const out = this.text.slice(this.sent, end);
    this.sent = end;
    return out;
  }

  /**
   * At the end: the calls found, and the content not sent yet. With calls, text after the first
   * marker that is not a call is dropped from the stream (the non-streamed answer keeps it).
   */
  finish(): ParsedToolCalls {
    const parsed = this.parse(this.text, this.newId);
    const rest = this.text.slice(this.sent);
    if (parsed.toolCalls.length === 0) return { content: rest === "" ? null : rest, toolCalls: [] };
    return { content: null, toolCalls: parsed.toolCalls };
  }

  // The end of the text that cannot be (part of) a call.
  private safeEnd(): number {
    if (this.parserName === FORCED_PARSER_NAME) return this.sent;
    const markers = CALL_MARKERS[this.parserName];
    if (markers === undefined) return this.llama3SafeEnd();
    let end = this.text.length;
    for (const marker of markers) {
      const at = this.text.indexOf(marker, this.sent);
      if (at >= 0) end = Math.min(end, at);
      else end = Math.min(end, this.text.length - partialSuffix(this.text, marker));
    }
    return Math.max(end, this.sent);
  }

  private llama3SafeEnd(): number {
    const head = this.text.trimStart();
    if (
      head === "" ||
      head.startsWith("{") ||
      "<|python_tag|>".startsWith(head) ||
      head.startsWith("<|python_tag|>")
    ) {
      return this.sent;
    }
    return this.text.length;
  }
}

// How many of `text`'s last characters are a proper prefix of `marker` (a marker being cut across outputs).
function partialSuffix(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(marker.slice(0, n))) return n;
  }
  return 0;
}
