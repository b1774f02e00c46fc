import type OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveServer } from "../testing/live-server.js";
import type { ScriptedEngine } from "../testing/scripted-engine.js";
import { type ScriptedServer, scriptedServer } from "../testing/scripted-server.js";
import { LLAMA31_TEMPLATE, MISTRAL_TEMPLATE } from "../testing/tool-templates.js";

// Live servers whose chat template is Llama 3.1- or Mistral-shaped (written for the tests, put in
// the model's chat_template.jinja): the parser is detected from it, calls are read and streamed
// from scripted output (one piece per real Qwen3 token; a random model does not call tools),
// and history calls render back through the template.
const families = [
  {
    name: "llama3_json",
    template: LLAMA31_TEMPLATE,
    output: '{"name": "get_weather", "parameters": {"city": "New York", "days": 2}}',
    id: "call_abc",
    rendered: '{"name": "get_weather", "parameters": {"city": "Paris"}}',
  },
  {
    name: "mistral",
    template: MISTRAL_TEMPLATE,
    output: 'Sure. [TOOL_CALLS] [{"name": "get_weather", "arguments": {"city": "New York", "days": 2}}]',
    id: "a1b2c3d4e",
    rendered: '[TOOL_CALLS] [{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "a1b2c3d4e"}]',
  },
] as const;

const tools = [
  {
    type: "function" as const,
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    },
  },
];
const messages = [{ role: "user" as const, content: "Weather?" }];

describe.each(families)("$name template, detected (openai client, scripted output)", (family) => {
  let server: ScriptedServer;
  let live: LiveServer;
  let client: OpenAI;
  let scripted: ScriptedEngine;
  beforeAll(async () => {
    server = await scriptedServer("tiny", family.template);
    ({ live, client, scripted } = server);
    const { tokenizer } = live.server.state.model();
    scripted.script = tokenizer.encode(family.output).map((id) => tokenizer.decode([id]));
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  it("reads the call, and streams it as a header then argument pieces adding up to the same arguments", async () => {
    const res = await client.chat.completions.create({ model: "tiny", messages, tools });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(res.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.type === "function" && call.function.name).toBe("get_weather");
    const args = call?.type === "function" ? call.function.arguments : "";
    expect(JSON.parse(args)).toEqual({ city: "New York", days: 2 });
    const stream = await client.chat.completions.create({ model: "tiny", messages, tools, stream: true });
    const deltas = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(deltas[0]?.function).toEqual({ name: "get_weather", arguments: "" });
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => d.function?.arguments ?? "").join("")).toBe(args);
    expect(finish).toBe("tool_calls");
  });

  it("renders an earlier call and its result back through the template", async () => {
    scripted.script = ["Sunny."];
    const history = [
      ...messages,
      {
        role: "assistant" as const,
        content: null,
        tool_calls: [
          {
            id: family.id,
            type: "function" as const,
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool" as const, tool_call_id: family.id, content: "22 C" },
    ];
    const res = await client.chat.completions.create({ model: "tiny", messages: history, tools });
    expect(res.choices[0]?.message.content).toBe("Sunny.");
    const prompt = live.server.state.model().tokenizer.decode(scripted.prompts.at(-1) as number[]);
    expect(prompt).toContain(family.rendered);
    expect(prompt).toContain("22 C");
  });
});
