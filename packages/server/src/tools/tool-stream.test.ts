import { describe, expect, it } from "vitest";
import type { ToolCallDelta } from "../openai/chat-format.js";
import { forcedCallRegions, forcedToolCalls } from "./forced-choice.js";
import { TOOL_CALL_PARSERS, TOOL_CALL_REGIONS } from "./parsers.js";
import { ToolCallStream } from "./tool-stream.js";

function counter() {
  let n = 0;
  return () => `call_${n++}`;
}

function stream(name: string) {
  const parse = TOOL_CALL_PARSERS[name];
  const regions = TOOL_CALL_REGIONS[name];
  if (parse === undefined || regions === undefined) throw new Error(name);
  return new ToolCallStream({ parserName: name, parse, regions, newId: counter() });
}

/** Feeds the pieces; the content sent and every call piece, the finish's included. */
function run(s: ToolCallStream, pieces: string[]) {
  const content: string[] = [];
  const calls: ToolCallDelta[][] = [];
  for (const p of pieces) {
    const out = s.push(p);
    content.push(out.content);
    calls.push(out.toolCalls);
  }
  const end = s.finish();
  return { content, calls, end, all: [...calls.flat(), ...end.toolCalls] };
}

/** The calls the pieces add up to, as a client accumulates them. */
function accumulate(deltas: ToolCallDelta[]) {
  const calls: { id?: string; name?: string; arguments: string }[] = [];
  for (const d of deltas) {
    calls[d.index] ??= { arguments: "" };
    const c = calls[d.index] as { id?: string; name?: string; arguments: string };
    if (d.id !== undefined) c.id = d.id;
    if (d.function.name !== undefined) c.name = d.function.name;
    c.arguments += d.function.arguments;
  }
  return calls;
}

describe("ToolCallStream", () => {
  it("hermes: content, then the header once the name is complete, then the arguments as generated", () => {
    const s = stream("hermes");
    const r = run(s, [
      "Checking",
      " now <tool",
      '_call>\n{"name": "get_',
      'weather", "arguments": {"ci',
      'ty": "Pa',
      'ris", "days": 2}}\n</tool_call>',
    ]);
    expect(r.content).toEqual(["Checking", " now ", "", "", "", ""]);
    expect(r.calls).toEqual([
      [],
      [],
      [],
      [
        { index: 0, id: "call_0", type: "function", function: { name: "get_weather", arguments: "" } },
        { index: 0, function: { arguments: '{"ci' } },
      ],
      [{ index: 0, function: { arguments: 'ty":"Pa' } }],
      [{ index: 0, function: { arguments: 'ris","days":2}' } }],
    ]);
    expect(r.end).toEqual({ content: "", toolCalls: [], numCalls: 1 });
  });

  it("hermes: the pieces add up to the arguments the parser gives the whole output, two calls", () => {
    const text =
      'Sure.\n<tool_call>\n{"name": "f", "arguments": {"q": "a }\\" {", "n": [1, 2.50, {"x": null}]}}\n</tool_call>\n<tool_call>\n{"name": "g", "arguments": {}}\n</tool_call>';
    const whole = TOOL_CALL_PARSERS.hermes?.(text, counter());
    // Every piece size from one character (mid-marker, mid-escape, mid-number) to whole tokens.
    for (let size = 1; size <= 9; size++) {
      const pieces = Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
        text.slice(i * size, (i + 1) * size),
      );
      const r = run(stream("hermes"), pieces);
      expect(r.content.join("")).toBe("Sure.\n");
      const calls = accumulate(r.all);
      expect(calls.map((c) => c.name)).toEqual(["f", "g"]);
      expect(calls.map((c) => c.arguments)).toEqual(whole?.toolCalls.map((c) => c.function.arguments));
      expect(JSON.parse(calls[0]?.arguments ?? "")).toEqual({ q: 'a }" {', n: [1, 2.5, { x: null }] });
      // Each call's first piece is its header with empty arguments; the arguments came in pieces.
      expect(r.all.find((d) => d.index === 1)?.function).toEqual({ name: "g", arguments: "" });
      if (size < 4) expect(r.all.filter((d) => d.index === 0).length).toBeGreaterThan(5);
    }
  });

  it("hermes: held text that turns out not to be a marker is released; a broken call is content", () => {
    const s = stream("hermes");
    expect(run(s, ["a <to", "p> b"]).content).toEqual(["a ", "<top> b"]);
    const broken = run(stream("hermes"), ["x <tool_call>{oops"]);
    expect(broken.content).toEqual(["x "]);
    expect(broken.end).toEqual({ content: "<tool_call>{oops", toolCalls: [], numCalls: 0 });
  });

  it("arguments given as a JSON string come whole at the end", () => {
    const r = run(stream("hermes"), [
      '<tool_call>{"name": "f", "arguments": "{\\"a\\": 1}"}',
      "</tool_call>",
    ]);
    expect(accumulate(r.all)).toEqual([{ id: "call_0", name: "f", arguments: '{"a": 1}' }]);
  });

  it("llama3_json: a JSON output streams its calls; prose streams as content", () => {
    const r = run(stream("llama3_json"), [
      " {",
      '"name": "f", "parameters": {"a"',
      ": 1}}; ",
      '{"name": "g"}',
    ]);
    expect(r.content.join("")).toBe("");
    expect(accumulate(r.all)).toEqual([
      { id: "call_0", name: "f", arguments: '{"a":1}' },
      { id: "call_1", name: "g", arguments: "{}" },
    ]);
    expect(r.calls[1]).toContainEqual({ index: 0, function: { arguments: '{"a"' } });
    const prose = run(stream("llama3_json"), ["Hi", " {there}"]);
    expect(prose.content).toEqual(["Hi", " {there}"]);
    expect(prose.end.numCalls).toBe(0);
  });

  it("mistral: v3 arrays and v11 name[ARGS] stream after [TOOL_CALLS]", () => {
    const v3 = run(stream("mistral"), [
      "ok [TOOL_",
      'CALLS][{"name": "f", "arguments": {"x',
      '": 1}}, {"name": "g", ',
      '"arguments": {}}]',
    ]);
    expect(v3.content.join("")).toBe("ok ");
    expect(v3.calls[1]).toContainEqual({ index: 0, function: { arguments: '{"x' } });
    expect(accumulate(v3.all).map((c) => [c.name, c.arguments])).toEqual([
      ["f", '{"x":1}'],
      ["g", "{}"],
    ]);
    const v11 = run(stream("mistral"), ["[TOOL_CALLS]f[AR", 'GS]{"a": ', "[1]}[TOOL_CALLS]g[ARGS]{}"]);
    expect(accumulate(v11.all).map((c) => [c.name, c.arguments])).toEqual([
      ["f", '{"a":[1]}'],
      ["g", "{}"],
    ]);
    expect(v11.calls[1]).toContainEqual({ index: 0, function: { arguments: '{"a":' } });
  });

  it("a forced named function streams its arguments from the first token; required streams each call", () => {
    const named = { type: "function" as const, function: { name: "get_weather" } };
    const s = new ToolCallStream({
      parserName: "forced",
      parse: (t, id) => forcedToolCalls(t, named, id),
      regions: forcedCallRegions(named),
      newId: counter(),
    });
    const r = run(s, ['{"city":', ' "Oslo"}']);
    expect(r.calls[0]?.[0]).toEqual({
      index: 0,
      id: "call_0",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(accumulate(r.all)[0]?.arguments).toBe('{"city":"Oslo"}');
    const req = new ToolCallStream({
      parserName: "forced",
      parse: (t, id) => forcedToolCalls(t, "required", id),
      regions: forcedCallRegions("required"),
      newId: counter(),
    });
    const rr = run(req, ['[{"name": "a", "parameters": {"k"', ': true}}, {"name": "b", "parameters": {}}]']);
    expect(rr.calls[0]).toContainEqual({ index: 0, function: { arguments: '{"k"' } });
    expect(accumulate(rr.all).map((c) => [c.name, c.arguments])).toEqual([
      ["a", '{"k":true}'],
      ["b", "{}"],
    ]);
  });
});
