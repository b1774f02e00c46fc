import { describe, expect, it } from "vitest";
import { forcedToolCalls, forcedToolSchema } from "./forced-choice.js";

const city = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const tools = [
  { type: "function" as const, function: { name: "get_weather", parameters: city } },
  { type: "function" as const, function: { name: "now" } },
];
const named = { type: "function" as const, function: { name: "get_weather" } };
function counter() {
  let n = 0;
  return () => `call_${n++}`;
}

describe("forced tool choice", () => {
  it("parallel_tool_calls false: required is a list of exactly one call", () => {
    expect(forcedToolSchema(tools, "required", true)).toMatchObject({ minItems: 1, maxItems: 1 });
    expect(forcedToolSchema(tools, "required")).not.toHaveProperty("maxItems");
  });

  it("constrains a named choice to the function's parameters and required to a list of calls", () => {
    expect(forcedToolSchema(tools, named)).toEqual(city);
    expect(forcedToolSchema(tools, { type: "function", function: { name: "now" } })).toEqual({
      type: "object",
    });
    expect(forcedToolSchema(tools, "required")).toEqual({
      type: "array",
      minItems: 1,
      items: {
        anyOf: [
          {
            type: "object",
            properties: { name: { type: "string", enum: ["get_weather"] }, parameters: city },
            required: ["name", "parameters"],
          },
          {
            type: "object",
            properties: { name: { type: "string", enum: ["now"] }, parameters: { type: "object" } },
            required: ["name", "parameters"],
          },
        ],
      },
    });
    expect(() => forcedToolSchema(tools, { type: "function", function: { name: "x" } })).toThrow(/"x"/);
  });
  it("reads the calls of a constrained output, and a cut one as content", () => {
    expect(forcedToolCalls('{"city": "Paris"}', named, counter()).toolCalls).toEqual([
      { id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    ]);
    const list =
      '[{"name": "now", "parameters": {}}, {"name": "get_weather", "parameters": {"city": "Oslo"}}]';
    expect(forcedToolCalls(list, "required", counter()).toolCalls.map((c) => c.function)).toEqual([
      { name: "now", arguments: "{}" },
      { name: "get_weather", arguments: '{"city":"Oslo"}' },
    ]);
    expect(forcedToolCalls('{"city": "Pa', named, counter())).toEqual({
      content: '{"city": "Pa',
      toolCalls: [],
    });
    expect(forcedToolCalls("[]", "required", counter()).toolCalls).toEqual([]);
  });
});
