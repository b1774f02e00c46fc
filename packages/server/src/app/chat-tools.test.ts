import type OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveServer } from "../testing/live-server.js";
import type { ScriptedEngine } from "../testing/scripted-engine.js";
import { type ScriptedServer, scriptedServer } from "../testing/scripted-server.js";

// The real Qwen3 tokenizer and template, with an engine that answers scripted text: a random
// model does not call tools, so the call is scripted and everything around it is the server's.
let server: ScriptedServer;
let live: LiveServer;
let client: OpenAI;
let scripted: ScriptedEngine;
beforeAll(async () => {
  server = await scriptedServer("qwen3-tiny");
  ({ live, client, scripted } = server);
}, 60_000);
afterAll(async () => {
  await server.close();
});

const tools = [
  {
    type: "function" as const,
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    },
  },
];
const messages = [{ role: "user" as const, content: "Weather in Paris?" }];
const callScript = [
  "Let me",
  " check.\n<tool",
  '_call>\n{"name": "get_weather", ',
  '"arguments": {"city": "Paris"}}\n</tool_call>',
];

describe("tool calls through the openai client (Qwen3 template, scripted output)", () => {
  it("answers message.tool_calls with an id, JSON-string arguments and finish_reason tool_calls", async () => {
    scripted.script = callScript;
    const res = await client.chat.completions.create({ model: "qwen3-tiny", messages, tools });
    const choice = res.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBe("Let me check.");
    const call = choice?.message.tool_calls?.[0];
    expect(call?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call?.type).toBe("function");
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });
    expect(call?.type === "function" && call.function.name).toBe("get_weather");
  });

  it("streams the content, then delta.tool_calls, then finish_reason tool_calls", async () => {
    scripted.script = callScript;
    const stream = await client.chat.completions.create({
      model: "qwen3-tiny",
      messages,
      tools,
      stream: true,
    });
    let content = "";
    const calls = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      content += c?.delta.content ?? "";
      calls.push(...(c?.delta.tool_calls ?? []));
      finish = c?.finish_reason ?? finish;
    }
    expect(content).toBe("Let me check.\n");
    expect(calls[0]).toMatchObject({
      index: 0,
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(calls[0]?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(calls.map((c) => c.function?.arguments).join("")).toBe('{"city":"Paris"}');
    expect(finish).toBe("tool_calls");
  });

  it("streams the arguments in pieces as the Qwen3 tokens are generated, adding up to the final arguments", async () => {
    // One scripted output per real Qwen3 token of a call with two arguments.
    const { tokenizer } = live.server.state.model();
    const text =
      'I will look.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "New York", "days": 3}}\n</tool_call>';
    const ids = tokenizer.encode(text);
    scripted.script = ids.map((id) => tokenizer.decode([id]));
    expect(scripted.script.join("")).toBe(text);
    const plain = await client.chat.completions.create({ model: "qwen3-tiny", messages, tools });
    const final = plain.choices[0]?.message.tool_calls?.[0];
    const stream = await client.chat.completions.create({
      model: "qwen3-tiny",
      messages,
      tools,
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    // The first tool-call chunk announces the call, the others carry argument pieces only.
    expect(deltas[0]).toMatchObject({
      index: 0,
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(deltas[0]?.id).toMatch(/^call_/);
    const pieces = deltas.slice(1).map((d) => d.function?.arguments ?? "");
    expect(deltas.slice(1).every((d) => d.id === undefined && d.function?.name === undefined)).toBe(true);
    expect(pieces.length).toBeGreaterThan(5); // many chunks, not the whole JSON at the end
    expect(pieces.join("")).toBe(final?.type === "function" ? final.function.arguments : null);
    expect(JSON.parse(pieces.join(""))).toEqual({ city: "New York", days: 3 });
    // The first pieces arrive before the output ends: the call's chunks are not all at the end.
    const firstPiece = chunks.findIndex(
      (c) => (c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? "") !== "",
    );
    expect(firstPiece).toBeLessThan(chunks.length - 5);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(["tool_calls"]);
  });

  it("parallel_tool_calls false under auto: only the first of two calls, streamed and not", async () => {
    const two = [
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>\n',
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call>',
    ];
    scripted.script = two;
    const both = await client.chat.completions.create({ model: "qwen3-tiny", messages, tools });
    expect(both.choices[0]?.message.tool_calls).toHaveLength(2);
    const body = { model: "qwen3-tiny", messages, tools, parallel_tool_calls: false };
    const one = await client.chat.completions.create(body);
    const calls = one.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => (c.type === "function" ? c.function.arguments : ""))).toEqual([
      '{"city":"Paris"}',
    ]);
    expect(one.choices[0]?.finish_reason).toBe("tool_calls");
    const stream = await client.chat.completions.create({ ...body, stream: true });
    const deltas = [];
    for await (const chunk of stream) deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    expect(new Set(deltas.map((d) => d.index))).toEqual(new Set([0]));
    expect(deltas.map((d) => d.function?.arguments).join("")).toBe('{"city":"Paris"}');
  });

  it("leaves text without a call, and any text with tool_choice none, as content", async () => {
    scripted.script = ["It is ", "sunny."];
    const plain = await client.chat.completions.create({ model: "qwen3-tiny", messages, tools });
    expect(plain.choices[0]?.message).toMatchObject({ content: "It is sunny." });
    expect(plain.choices[0]?.finish_reason).toBe("stop");
    scripted.script = callScript;
    const none = await client.chat.completions.create({
      model: "qwen3-tiny",
      messages,
      tools,
      tool_choice: "none",
    });
    expect(none.choices[0]?.message.content).toBe(callScript.join(""));
    expect(none.choices[0]?.message.tool_calls ?? []).toEqual([]);
    expect(none.choices[0]?.finish_reason).toBe("stop");
  });

  it("forces a named function through guided_json: the output is its arguments", async () => {
    scripted.script = ['{"city": ', '"Oslo"}'];
    const tool_choice = { type: "function" as const, function: { name: "get_weather" } };
    const res = await client.chat.completions.create({ model: "qwen3-tiny", messages, tools, tool_choice });
    expect(scripted.params.at(-1)).toMatchObject({ guided_json: tools[0]?.function.parameters });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && call.function).toEqual({
      name: "get_weather",
      arguments: '{"city":"Oslo"}',
    });
    expect(res.choices[0]?.message.content).toBeNull();
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("forces some call with required: a list of {name, parameters}, streamed as generated", async () => {
    scripted.script = ['[{"name": "get_weather", ', '"parameters": {"city": "Rome"}}]'];
    const stream = await client.chat.completions.create({
      model: "qwen3-tiny",
      messages,
      tools,
      tool_choice: "required",
      stream: true,
    });
    let content = "";
    const calls = [];
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? "";
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    }
    expect(content).toBe("");
    expect(calls[0]?.function).toEqual({ name: "get_weather", arguments: "" });
    expect(calls.map((c) => c.function?.arguments).join("")).toBe('{"city":"Rome"}');
    expect(calls.every((c) => c.index === 0)).toBe(true);
    expect(scripted.params.at(-1)).toMatchObject({ guided_json: { type: "array", minItems: 1 } });
  });

  it("renders the round trip (call, tool result) into the prompt for the final answer", async () => {
    scripted.script = ["Sunny in Paris."];
    const first = await client.chat.completions.create({ model: "qwen3-tiny", messages, tools });
    const history = [
      ...messages,
      {
        role: "assistant" as const,
        content: null,
        tool_calls: [
          {
            id: "call_7",
            type: "function" as const,
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool" as const, tool_call_id: "call_7", content: "22 C and sunny" },
    ];
    const final = await client.chat.completions.create({ model: "qwen3-tiny", messages: history, tools });
    expect(final.choices[0]?.message.content).toBe("Sunny in Paris.");
    const prompt = live.server.state.model().tokenizer.decode(scripted.prompts.at(-1) as number[]);
    expect(prompt).toContain(
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>',
    );
    expect(prompt).toContain("<tool_response>\n22 C and sunny\n</tool_response>");
    expect(final.usage?.prompt_tokens).toBeGreaterThan(first.usage?.prompt_tokens ?? 0);
  });
});
