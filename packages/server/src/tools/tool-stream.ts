import type { ToolCallDelta } from "../openai/chat-format.js";
import type { ChatTools } from "./chat-tools.js";
import { HERMES_OPEN } from "./hermes.js";
import { JsonCompactor } from "./json-scan.js";
import { PYTHON_TAG } from "./llama3-json.js";
import { MISTRAL_MARK } from "./mistral.js";

/** The stream mode of a forced tool choice: the whole output is the calls, so all of it is held. */
export const FORCED_PARSER_NAME = "forced";

// Where a call can begin, per parser: text from there on is held back from the content.
const CALL_MARKERS: Readonly<Record<string, readonly string[]>> = {
  hermes: [HERMES_OPEN],
  mistral: [MISTRAL_MARK],
};

/** What a piece of output adds to a streamed choice. */
export interface ToolStreamPiece {
  /** Content that can be sent now (possibly ""). */
  content: string;
  /** Pieces of tool calls, in order. */
  toolCalls: ToolCallDelta[];
}

interface StreamedCall {
  /** The compact arguments sent so far. */
  args: string;
  /** How far into the output the arguments have been read. */
  readTo: number;
  compactor: JsonCompactor;
}

/**
 * Splits a streamed output into content and tool-call pieces, as vLLM streams them. Content
 * streams until a call marker (or a possible start of one) appears; from there text is held.
 * A call is announced (id, type, name, `arguments: ""`) once its name is complete, then its
 * arguments object streams as it is generated, without the whitespace outside strings, so the
 * pieces add up to the `arguments` the parser gives the finished output. Llama 3 JSON has no
 * marker: an output that starts with `{` or `<|python_tag|>` is held whole.
 */
export class ToolCallStream {
  private text = "";
  private sent = 0;
  private readonly calls: StreamedCall[] = [];

  constructor(private readonly tools: ChatTools) {}

  /** Adds generated text; returns the content and call pieces that can be sent now. */
  push(more: string): ToolStreamPiece {
    this.text += more;
    const end = this.safeEnd();
    const content = end > this.sent ? this.text.slice(this.sent, end) : "";
    this.sent = Math.max(this.sent, end);
    return { content, toolCalls: this.advance() };
  }

  /**
   * At the end: the content not sent yet and the rest of the calls (those the parser finds that
   * never streamed come whole), with how many calls the choice made. With calls, held text that is
   * not a call is dropped from the stream (the non-streamed answer keeps it); a call announced
   * whose JSON then broke stays announced, as in vLLM.
   */
  finish(): ToolStreamPiece & { numCalls: number } {
    const toolCalls = this.advance();
    const parsed = this.tools.parse(this.text, () => "");
    const numCalls = Math.max(this.calls.length, parsed.toolCalls.length);
    if (numCalls === 0) return { content: this.text.slice(this.sent), toolCalls, numCalls };
    for (const [index, call] of parsed.toolCalls.entries()) {
      const args = call.function.arguments;
      const streamed = this.calls[index];
      if (streamed === undefined) {
        toolCalls.push(header(index, this.tools.newId(), call.function.name));
        if (args !== "") toolCalls.push({ index, function: { arguments: args } });
      } else if (args.length > streamed.args.length && args.startsWith(streamed.args)) {
        toolCalls.push({ index, function: { arguments: args.slice(streamed.args.length) } });
      }
    }
    return { content: "", toolCalls, numCalls };
  }

  // New call headers and argument pieces since the last call, in call order.
  private advance(): ToolCallDelta[] {
    const out: ToolCallDelta[] = [];
    for (const [index, region] of this.tools.regions(this.text).entries()) {
      let call = this.calls[index];
      if (call === undefined) {
        if (region.name === null) break; // later calls wait for this one's name
        call = { args: "", readTo: 0, compactor: new JsonCompactor() };
        this.calls.push(call);
        out.push(header(index, this.tools.newId(), region.name));
      }
      if (region.argsStart === null) continue;
      const from = Math.max(call.readTo, region.argsStart);
      const to = region.argsEnd ?? this.text.length;
      if (to <= from) continue;
      const piece = call.compactor.push(this.text.slice(from, to));
      call.readTo = to;
      call.args += piece;
      if (piece !== "") out.push({ index, function: { arguments: piece } });
    }
    return out;
  }

  // The end of the text that cannot be (part of) a call.
  private safeEnd(): number {
    if (this.tools.parserName === FORCED_PARSER_NAME) return this.sent;
    const markers = CALL_MARKERS[this.tools.parserName];
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
    if (head === "" || head.startsWith("{") || PYTHON_TAG.startsWith(head) || head.startsWith(PYTHON_TAG)) {
      return this.sent;
    }
    return this.text.length;
  }
}

function header(index: number, id: string, name: string): ToolCallDelta {
  return { index, id, type: "function", function: { name, arguments: "" } };
}

// How many of `text`'s last characters are a proper prefix of `marker` (a marker being cut across outputs).
function partialSuffix(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(marker.slice(0, n))) return n;
  }
  return 0;
}
