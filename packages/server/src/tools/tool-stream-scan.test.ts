import { describe, expect, it } from "vitest";
import type { ToolCallDelta } from "../openai/chat-format.js";
import type { CallRegionFinder } from "./call-regions.js";
import type { ChatTools } from "./chat-tools.js";
import { forcedCallRegions, forcedToolCalls } from "./forced-choice.js";
import type { ToolCallParser } from "./parsers.js";
import { TOOL_CALL_PARSERS, TOOL_CALL_REGIONS } from "./parsers.js";
import { ToolCallStream } from "./tool-stream.js";

function counter() {
  let n = 0;
  return () => `call_${n++}`;
}

/** The tools of parser `name`, whose finder records how much text each scan is given. */
function scanned(name: string): { tools: ChatTools; spans: number[] } {
  const forced = name === "forced";
  const parse: ToolCallParser | undefined = forced
    ? (t, id) => forcedToolCalls(t, "required", id)
    : TOOL_CALL_PARSERS[name];
  const finder: CallRegionFinder | undefined = forced
    ? forcedCallRegions("required")
    : TOOL_CALL_REGIONS[name];
  if (parse === undefined || finder === undefined) throw new Error(name);
  const spans: number[] = [];
  const regions: CallRegionFinder = (text, resumed) => {
    spans.push(text.length);
    return finder(text, resumed);
  };
  return { tools: { parserName: name, parse, regions, newId: counter() }, spans };
}

function pieces(text: string, size: number): string[] {
  return Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
    text.slice(i * size, (i + 1) * size),
  );
}

/** Streams `text` in pieces of `size`; the calls as a client accumulates them. */
function streamCalls(tools: ChatTools, text: string, size: number) {
  const s = new ToolCallStream(tools);
  const deltas: ToolCallDelta[] = [];
  for (const p of pieces(text, size)) deltas.push(...s.push(p).toolCalls);
  deltas.push(...s.finish().toolCalls);
  const calls: { name?: string; arguments: string }[] = [];
  for (const d of deltas) {
    calls[d.index] ??= { arguments: "" };
    const c = calls[d.index] as { name?: string; arguments: string };
    if (d.function.name !== undefined) c.name = d.function.name;
    c.arguments += d.function.arguments;
  }
  return calls;
}

function wholeCalls(tools: ChatTools, text: string) {
  return tools
    .parse(text, counter())
    .toolCalls.map((c) => ({ name: c.function.name, arguments: c.function.arguments }));
}

const call = (i: number, key = "parameters") => `{"name": "f${i}", "${key}": {"q": "v${i}", "n": [${i}, 2]}}`;
const N = 60;
const OUTPUTS: Record<string, string> = {
  hermes: Array.from({ length: N }, (_, i) => `<tool_call>\n${call(i, "arguments")}\n</tool_call>\n`).join(
    "",
  ),
  llama3_json: Array.from({ length: N }, (_, i) => call(i)).join("; "),
  mistral: Array.from({ length: N }, (_, i) => `[TOOL_CALLS]f${i}[ARGS]{"q": "v${i}", "n": [${i}, 2]}`).join(
    "",
  ),
  forced: `[${Array.from({ length: N }, (_, i) => call(i)).join(", ")}]`,
};

describe("ToolCallStream scanning", () => {
  for (const [name, text] of Object.entries(OUTPUTS)) {
    it(`${name}: each chunk scans only the open call and the new text, not the finished calls`, () => {
      const { tools, spans } = scanned(name);
      expect(streamCalls(tools, text, 7)).toEqual(wholeCalls(tools, text));
      expect(wholeCalls(tools, text)).toHaveLength(N);
      // One call is under 70 characters: a scan reads at most about two calls' worth, wherever
      // the stream is (a whole-text scan would read up to text.length, over 2,500 characters).
      expect(Math.max(...spans)).toBeLessThan(150);
      expect(text.length).toBeGreaterThan(2500);
    });
  }

  it("markers and separators inside JSON strings do not start calls, at every piece size", () => {
    const cases: Record<string, string> = {
      hermes: `<tool_call>{"name": "f", "arguments": {"q": "<tool_call>{\\"name\\": \\"g\\"}"}}</tool_call><tool_call>{"name": "h", "arguments": {}}</tool_call>`,
      llama3_json: `{"name": "f", "parameters": {"q": "a; {\\"name\\": \\"g\\"}"}}; {"name": "h", "parameters": {}}`,
      forced: `[{"name": "f", "parameters": {"q": "}, {\\"name\\": \\"g\\""}}, {"name": "h", "parameters": {}}]`,
    };
    for (const [name, text] of Object.entries(cases)) {
      for (let size = 1; size <= 9; size++) {
        const { tools } = scanned(name);
        const calls = streamCalls(tools, text, size);
        expect(calls.map((c) => c.name)).toEqual(["f", "h"]);
        expect(calls).toEqual(wholeCalls(tools, text));
      }
    }
  });
});
