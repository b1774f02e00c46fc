import { describe, expect, it } from "vitest";
import { checkToolFields, templateToolCalls, toolsActive } from "./tool-request.js";

const tools = [{ type: "function" as const, function: { name: "f" } }];

describe("tool request fields", () => {
  it("reads tools only when given and tool_choice is not none", () => {
    expect(toolsActive({ tools })).toBe(true);
    expect(toolsActive({ tools, tool_choice: "auto" })).toBe(true);
    expect(toolsActive({ tools, tool_choice: "none" })).toBe(false);
    expect(toolsActive({ tools: [] })).toBe(false);
  });
  it("rejects required and named choices (no constrained decoding) and a choice without tools", () => {
    expect(() => checkToolFields({ tools, tool_choice: "required" })).toThrow(/"required" is not supported/);
    const named = { type: "function" as const, function: { name: "f" } };
    expect(() => checkToolFields({ tools, tool_choice: named })).toThrow(/a named function \("f"\)/);
    expect(() => checkToolFields({ tool_choice: named })).toThrow(/tools is empty/);
    expect(() => checkToolFields({ tools, tool_choice: "auto" })).not.toThrow();
  });
  it("decodes history tool-call arguments for the template and names bad JSON", () => {
    const call = (args: string) => ({ id: "c", type: "function", function: { name: "f", arguments: args } });
    const history = [
      { role: "user", content: "q" },
      { role: "assistant", content: "", tool_calls: [call('{"a": 1}')] },
      { role: "tool", tool_call_id: "c", content: "2" },
    ];
    expect(templateToolCalls(history)[1]).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: { a: 1 } } }],
    });
    const bad = [{ role: "assistant", content: "", tool_calls: [call("{")] }];
    expect(() => templateToolCalls(bad)).toThrow(
      "messages[0].tool_calls[0].function.arguments is not valid JSON",
    );
  });
});
