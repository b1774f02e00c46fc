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
  // All the output, read only by `finish`: appending to a string is cheap, but reading it copies
  // it whole (V8 flattens the rope), so each chunk reads only `tail`, the output from `base` on.
  private whole = "";
  private tail = "";
  private base = 0;
  private sent = 0;
  private readonly calls: StreamedCall[] = [];
  // Where the scan for calls restarts (past the calls that can no longer change), whether it has
  // restarted there, and how many calls lie before it.
  private scanFrom = 0;
  private resumed = false;
  private callsBefore = 0;
  // A finished call with no name: the calls after it never stream (`finish` gives them whole).
  private stalled = false;
  // "held": a call (or a possible one) began at `scanFrom`, so all from there is held for good;
  // "content" (Llama 3): the output is prose, all of it is content.
  private mode: "open" | "held" | "content";
  // Llama 3: the end of the leading whitespace read so far.
  private lead = 0;

  constructor(private readonly tools: ChatTools) {
    this.mode = tools.parserName === FORCED_PARSER_NAME ? "held" : "open";
  }

  /** Adds generated text; returns the content and call pieces that can be sent now. */
  push(more: string): ToolStreamPiece {
    this.whole += more;
    this.tail += more;
    const end = this.safeEnd();
    const content = end > this.sent ? this.tail.slice(this.sent - this.base, end - this.base) : "";
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
    const parsed = this.tools.parse(this.whole, () => "");
    const numCalls = Math.max(this.calls.length, parsed.toolCalls.length);
    if (numCalls === 0) return { content: this.whole.slice(this.sent), toolCalls, numCalls };
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

  // New call headers and argument pieces since the last call, in call order. Calls only begin
  // where the output is held.
  private advance(): ToolCallDelta[] {
    const out: ToolCallDelta[] = [];
    this.dropBefore(this.mode === "held" ? this.scanFrom : this.sent);
    if (this.mode !== "held" || this.stalled) return out;
    const base = this.base;
    const regions = this.tools.regions(this.tail, this.resumed);
    let read = 0;
    for (const region of regions) {
      const index = this.callsBefore + read;
      let call = this.calls[index];
      if (call === undefined) {
        // Later calls wait for this one's name; a finished call has all the name it will get.
        if (region.name === null) {
          this.stalled = region.resumeAt !== null;
          break;
        }
        call = { args: "", readTo: 0, compactor: new JsonCompactor() };
        this.calls.push(call);
        out.push(header(index, this.tools.newId(), region.name));
      }
      read++;
      if (region.argsStart === null) continue;
      const from = Math.max(call.readTo - base, region.argsStart);
      const to = region.argsEnd ?? this.tail.length;
      if (to <= from) continue;
      const piece = call.compactor.push(this.tail.slice(from, to));
      call.readTo = base + to;
      call.args += piece;
      if (piece !== "") out.push({ index, function: { arguments: piece } });
    }
    // The leading calls that are finished (all read above) are never scanned again.
    for (const region of regions.slice(0, read)) {
      if (region.resumeAt === null) break;
      this.scanFrom = base + region.resumeAt;
      this.resumed = true;
      this.callsBefore++;
    }
    this.dropBefore(this.scanFrom);
    return out;
  }

  // Forgets the output before `at` (no later chunk reads it).
  private dropBefore(at: number): void {
    if (at <= this.base) return;
    this.tail = this.tail.slice(at - this.base);
    this.base = at;
  }

  // The end of the output that cannot be (part of) a call.
  private safeEnd(): number {
    if (this.mode === "content") return this.base + this.tail.length;
    if (this.mode === "held") return this.sent;
    const markers = CALL_MARKERS[this.tools.parserName];
    if (markers === undefined) return this.llama3SafeEnd();
    // Only the output from `sent` on is searched: before it was no marker, nor a start of one.
    const length = this.base + this.tail.length;
    let end = length;
    let found = false;
    for (const marker of markers) {
      const at = this.tail.indexOf(marker, this.sent - this.base);
      found ||= at >= 0;
      if (at >= 0) end = Math.min(end, this.base + at);
      else end = Math.min(end, length - partialSuffix(this.tail, marker));
    }
    // A whole marker: from there on the output is calls (or held till the end), for good.
    if (found) this.hold(end);
    return Math.max(end, this.sent);
  }

  // Calls begin at `at`: the output is held from there, and scanned for them.
  private hold(at: number): void {
    this.mode = "held";
    this.scanFrom = at;
  }

  // Llama 3 has no marker: the first characters after the leading whitespace decide, once. No
  // content is sent until then, so the output still starts at `tail`'s start.
  private llama3SafeEnd(): number {
    const text = this.tail;
    while (this.lead < text.length && /\s/.test(text[this.lead] as string)) this.lead++;
    const rest = text.length - this.lead;
    if (rest === 0) return this.sent;
    if (text[this.lead] === "{" || text.startsWith(PYTHON_TAG, this.lead)) {
      this.hold(0);
      return this.sent;
    }
    if (rest < PYTHON_TAG.length && PYTHON_TAG.startsWith(text.slice(this.lead))) return this.sent;
    this.mode = "content";
    return this.base + text.length;
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
