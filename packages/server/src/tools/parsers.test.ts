import { describe, expect, it } from "vitest";
import { parseHermesToolCalls } from "./hermes.js";
import { parseLlama3JsonToolCalls } from "./llama3-json.js";
import { parseMistralToolCalls } from "./mistral.js";
import {
  detectToolCallParser,
  TOOL_CALL_PARSER_NAMES,
  TOOL_CALL_PARSERS,
  toolCallParser,
} from "./parsers.js";
import { randomToolCallId } from "./tool-call.js";

function counter() {
  let n = 0;
  return () => `call_${n++}`;
}

const weather = (id: string, city: string) => ({
  id,
  type: "function",
  function: { name: "get_weather", arguments: JSON.stringify({ city }) },
});

describe("hermes (Qwen3) tool calls", () => {
  it("splits content from two calls", () => {
    const text =
      'Let me check.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call>';
    expect(parseHermesToolCalls(text, counter())).toEqual({
      content: "Let me check.",
      toolCalls: [weather("call_0", "Paris"), weather("call_1", "Oslo")],
    });
  });
  it("keeps plain text, a cut-off call and a non-call body as content", () => {
    expect(parseHermesToolCalls("Hello", counter())).toEqual({ content: "Hello", toolCalls: [] });
    const cut = 'x <tool_call>{"name": "get_weather", "argu';
    expect(parseHermesToolCalls(cut, counter())).toEqual({ content: cut, toolCalls: [] });
    const bad = "<tool_call>not json</tool_call>";
    expect(parseHermesToolCalls(bad, counter())).toEqual({ content: bad, toolCalls: [] });
  });
  it("accepts arguments given as a JSON string and rejects a non-JSON string", () => {
    const ok = '<tool_call>{"name": "f", "arguments": "{\\"a\\": 1}"}</tool_call>';
    expect(parseHermesToolCalls(ok, counter()).toolCalls[0]?.function.arguments).toBe('{"a": 1}');
    const no = '<tool_call>{"name": "f", "arguments": "a=1"}</tool_call>';
    expect(parseHermesToolCalls(no, counter()).toolCalls).toEqual([]);
  });
  it("gives a call without arguments an empty object", () => {
    const r = parseHermesToolCalls('<tool_call>{"name": "now"}</tool_call>', counter());
    expect(r).toEqual({
      content: null,
      toolCalls: [{ id: "call_0", type: "function", function: { name: "now", arguments: "{}" } }],
    });
  });
});

describe("llama3_json tool calls", () => {
  it("reads one call with parameters, after <|python_tag|> or not", () => {
    const body = '{"name": "get_weather", "parameters": {"city": "Paris"}}';
    const want = { content: null, toolCalls: [weather("call_0", "Paris")] };
    expect(parseLlama3JsonToolCalls(body, counter())).toEqual(want);
    expect(parseLlama3JsonToolCalls(`<|python_tag|>${body}`, counter())).toEqual(want);
  });
  it("reads calls separated by ; even with ; inside a string", () => {
    const text =
      '{"name": "get_weather", "parameters": {"city": "A;B"}}; {"name": "get_weather", "parameters": {"city": "Oslo"}}';
    expect(parseLlama3JsonToolCalls(text, counter()).toolCalls).toEqual([
      weather("call_0", "A;B"),
      weather("call_1", "Oslo"),
    ]);
  });
  it("reads prose, other JSON and broken JSON as content", () => {
    for (const text of ["The weather is fine.", '{"answer": 42}', '{"name": "f", "parameters": {']) {
      expect(parseLlama3JsonToolCalls(text, counter())).toEqual({ content: text, toolCalls: [] });
    }
  });
});

describe("mistral tool calls", () => {
  it("reads the JSON-array form after content", () => {
    const text =
      'Sure. [TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "get_weather", "arguments": {"city": "Oslo"}}]';
    expect(parseMistralToolCalls(text, counter())).toEqual({
      content: "Sure.",
      toolCalls: [weather("call_0", "Paris"), weather("call_1", "Oslo")],
    });
  });
  it("reads the name[ARGS]{...} form, one call per marker", () => {
    const text =
      '[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}[TOOL_CALLS]get_weather[ARGS]{"city": "Oslo"}';
    expect(parseMistralToolCalls(text, counter())).toEqual({
      content: null,
      toolCalls: [weather("call_0", "Paris"), weather("call_1", "Oslo")],
    });
  });
  it("keeps text without a marker, or with a broken call, as content", () => {
    expect(parseMistralToolCalls("Hi", counter())).toEqual({ content: "Hi", toolCalls: [] });
    for (const text of ["[TOOL_CALLS][{", "[TOOL_CALLS]get_weather[ARGS]{", "[TOOL_CALLS][]"]) {
      expect(parseMistralToolCalls(text, counter())).toEqual({ content: text, toolCalls: [] });
    }
  });
});

describe("parser names and detection", () => {
  it("finds parsers by vLLM's names and rejects an unknown one naming the known ones", () => {
    expect(toolCallParser("hermes")).toBe(parseHermesToolCalls);
    expect(Object.keys(TOOL_CALL_PARSERS)).toEqual([...TOOL_CALL_PARSER_NAMES]);
    expect(() => toolCallParser("pythonic")).toThrow(
      /unknown tool call parser "pythonic"; known: hermes, llama3_json, mistral/,
    );
  });
  it("detects the family from the template's marker, and nothing when none or several", () => {
    expect(detectToolCallParser("{% for tool in tools %}<tool_call>{% endfor %}")).toBe("hermes");
    expect(detectToolCallParser("[AVAILABLE_TOOLS] [TOOL_CALLS]")).toBe("mistral");
    expect(detectToolCallParser("{{ '<|python_tag|>' }}")).toBe("llama3_json");
    expect(detectToolCallParser("{{ messages }}")).toBeNull();
    expect(detectToolCallParser("<tool_call> [TOOL_CALLS]")).toBeNull();
    // Several markers of one family are still one family.
    expect(detectToolCallParser("Environment: ipython ... <|python_tag|>")).toBe("llama3_json");
    expect(detectToolCallParser("Environment: ipython <tool_call>")).toBeNull();
  });
  it("makes OpenAI-style random ids", () => {
    const a = randomToolCallId();
    expect(a).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(randomToolCallId()).not.toBe(a);
  });
});
