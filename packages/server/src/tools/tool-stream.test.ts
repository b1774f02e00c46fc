import { describe, expect, it } from "vitest";
import { TOOL_CALL_PARSERS } from "./parsers.js";
import { ToolCallStream } from "./tool-stream.js";

function stream(name: string) {
  let n = 0;
  const parse = TOOL_CALL_PARSERS[name];
  if (parse === undefined) throw new Error(name);
  return new ToolCallStream(name, parse, () => `call_${n++}`);
}

function feed(s: ToolCallStream, pieces: string[]): string[] {
  return pieces.map((p) => s.push(p));
}

describe("ToolCallStream", () => {
  it("streams hermes content, holds a marker cut across pieces, and returns the call at the end", () => {
    const s = stream("hermes");
    const sent = feed(s, [
      "Checking",
      " now <tool",
      '_call>{"name": "f", ',
      '"arguments": {"a": 1}}</tool_call>',
    ]);
    expect(sent).toEqual(["Checking", " now ", "", ""]);
    expect(s.finish()).toEqual({
      content: null,
      toolCalls: [{ id: "call_0", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
    });
  });
  it("releases held text that turned out not to be a marker, and a broken call as content", () => {
    const s = stream("hermes");
    expect(feed(s, ["a <to", "p> b"])).toEqual(["a ", "<top> b"]);
    expect(s.finish()).toEqual({ content: null, toolCalls: [] });
    const broken = stream("hermes");
    expect(feed(broken, ["x <tool_call>{oops"])).toEqual(["x "]);
    expect(broken.finish()).toEqual({ content: "<tool_call>{oops", toolCalls: [] });
  });
  it("holds a llama3 output that starts like JSON, and streams prose", () => {
    const call = stream("llama3_json");
    expect(feed(call, [" {", '"name": "f", "parameters": {}}'])).toEqual(["", ""]);
    expect(call.finish().toolCalls).toHaveLength(1);
    const prose = stream("llama3_json");
    expect(feed(prose, ["Hi", " {there}"])).toEqual(["Hi", " {there}"]);
    expect(prose.finish()).toEqual({ content: null, toolCalls: [] });
  });
  it("holds mistral text from [TOOL_CALLS]", () => {
    const s = stream("mistral");
    expect(feed(s, ["ok [TOOL_", 'CALLS][{"name": "f", "arguments": {}}]'])).toEqual(["ok ", ""]);
    expect(s.finish().toolCalls.map((c) => c.function.name)).toEqual(["f"]);
  });
});
