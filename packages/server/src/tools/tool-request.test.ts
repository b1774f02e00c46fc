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
  it("rejects a forced choice without tools or naming a function not among them", () => {
    const named = (name: string) => ({ type: "function" as const, function: { name } });
    expect(() => checkToolFields({ tool_choice: "required" })).toThrow(/tools is empty/);
    expect(() => checkToolFields({ tools, tool_choice: named("g") })).toThrow(
      'tool_choice names "g", which is not in tools',
    );
    for (const tool_choice of ["auto", "none", "required", named("f")] as const) {
      expect(() => checkToolFields({ tools, tool_choice })).not.toThrow();
    }
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
