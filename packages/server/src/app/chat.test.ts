import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, liveServer } from "../testing/live-server.js";
import { QWEN3_TINY_CONTEXT } from "../testing/qwen3.js";
import { type Qwen3Server, qwen3Server } from "../testing/qwen3-server.js";
import { parseSse, postJson } from "../testing/sse.js";

let live: LiveServer;
let client: OpenAI;
let qwen3: Qwen3Server;
beforeAll(async () => {
  qwen3 = await qwen3Server("qwen3-tiny");
  ({ live, client } = qwen3);
}, 60_000);
afterAll(async () => {
  await qwen3.close();
});

const messages = [
  { role: "system" as const, content: "Be brief." },
  { role: "user" as const, content: "Hi there" },
];
const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const tokenize = async (body: unknown) =>
  (await (await postJson(`${live.url}/tokenize`, body)).json()) as { count: number; tokens: number[] };

describe("POST /v1/chat/completions on a Qwen3 model with its chat template", () => {
  it("renders the template, and the stream has the same content as the answer", async () => {
    const models = (await (await fetch(`${live.url}/v1/models`)).json()) as {
      data: Array<{ capabilities: { chat: boolean } }>;
    };
    expect(models.data[0]?.capabilities.chat).toBe(true);
    const vllmExtras = { ignore_eos: true };
    const params = {
      model: "qwen3-tiny",
      messages,
      max_completion_tokens: 12,
      temperature: 0,
      ...vllmExtras,
    };
    const whole = await client.chat.completions.create(params);
    expect(whole).toMatchObject({ object: "chat.completion", model: "qwen3-tiny" });
    expect(whole.id).toMatch(/^chatcmpl-/);
    const choice = whole.choices[0];
    expect(choice?.message.role).toBe("assistant");
    expect(choice?.finish_reason).toBe("length");
    expect(choice?.message.content?.length).toBeGreaterThan(0);
    const rendered = await tokenize({ messages });
    expect(whole.usage?.prompt_tokens).toBe(rendered.count);
    // The template's markers are in the prompt: <|im_start|> (151644) opens each turn.
    expect(rendered.tokens.filter((t) => t === 151644)).toHaveLength(3);

    const chunks = [];
    for await (const c of await client.chat.completions.create({ ...params, stream: true })) chunks.push(c);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    const content = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(content).toBe(choice?.message.content);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe(choice?.finish_reason);
    expect(chunks.slice(0, -1).every((c) => c.choices[0]?.finish_reason === null)).toBe(true);
  });

  it("streams raw chunks in OpenAI's shape with a closing usage chunk", async () => {
    const res = await postJson(`${live.url}/v1/chat/completions`, {
      messages,
      max_tokens: 5,
      temperature: 0,
      ignore_eos: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    const events = parseSse(await res.text()) as Array<Record<string, unknown>>;
    expect(events.at(-1)).toBe("[DONE]");
    const usage = events.at(-2);
    expect(usage).toMatchObject({
      object: "chat.completion.chunk",
      choices: [],
      usage: { completion_tokens: 5 },
    });
    const chunks = events.slice(0, -2);
    for (const c of chunks) {
      expect(c).toMatchObject({ object: "chat.completion.chunk", model: "qwen3-tiny", usage: null });
      expect(c.choices).toHaveLength(1);
    }
    expect(chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: "length" }] });
  });

  it("maps logprobs + top_logprobs, chat_template_kwargs and max_completion_tokens errors", async () => {
    const res = await client.chat.completions.create({
      model: "qwen3-tiny",
      messages,
      max_tokens: 3,
      temperature: 0,
      logprobs: true,
      top_logprobs: 2,
    });
    const content = res.choices[0]?.logprobs?.content ?? [];
    expect(content.length).toBeGreaterThan(0);
    for (const t of content) {
      expect(t.top_logprobs).toHaveLength(2);
      expect(t.bytes).toEqual([...new TextEncoder().encode(t.token)]);
    }
    const two = await client.chat.completions.create({
      model: "qwen3-tiny",
      messages,
      max_tokens: 2,
      n: 2,
      seed: 1,
    });
    expect(two.choices.map((c) => [c.index, c.message.role])).toEqual([
      [0, "assistant"],
      [1, "assistant"],
    ]);
    const plain = await tokenize({ messages });
    const noThinking = await tokenize({ messages, chat_template_kwargs: { enable_thinking: false } });
    expect(noThinking.count).toBeGreaterThan(plain.count); // an empty <think></think> block is added

    const over = await postJson(`${live.url}/v1/chat/completions`, { messages, max_completion_tokens: 999 });
    const err = ((await over.json()) as { error: { param: string; message: string } }).error;
    expect(over.status).toBe(400);
    expect(err.param).toBe("max_completion_tokens");
    expect(err.message).toContain(`max_completion_tokens is 999`);
    expect(err.message).toContain(`context is ${QWEN3_TINY_CONTEXT} tokens`);
    const unknownTool = await postJson(`${live.url}/v1/chat/completions`, {
      messages,
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "nope" } },
    });
    expect(unknownTool.status).toBe(400);
  });

  it("enforces a named tool_choice on the real engine: the arguments always validate", async () => {
    const unitTool = {
      type: "function" as const,
      function: {
        name: "set_unit",
        parameters: {
          type: "object",
          properties: { unit: { enum: ["c", "f"] } },
          required: ["unit"],
          additionalProperties: false,
        },
      },
    };
    for (const seed of [1, 2, 3]) {
      const res = await client.chat.completions.create({
        model: "qwen3-tiny",
        messages,
        tools: [unitTool],
        tool_choice: { type: "function", function: { name: "set_unit" } },
        max_completion_tokens: 40,
        seed,
      });
      const call = res.choices[0]?.message.tool_calls?.[0];
      expect(res.choices[0]?.finish_reason).toBe("tool_calls");
      expect(call?.type === "function" && call.function.name).toBe("set_unit");
      const args = call?.type === "function" ? JSON.parse(call.function.arguments) : null;
      expect(["c", "f"]).toContain(args?.unit);
      expect(Object.keys(args)).toEqual(["unit"]);
    }
  });

  it("parallel_tool_calls false with tool_choice required: the grammar allows exactly one call", async () => {
    const unitTool = {
      type: "function" as const,
      function: {
        name: "set_unit",
        parameters: { type: "object", properties: { unit: { enum: ["c", "f"] } }, required: ["unit"] },
      },
    };
    for (const seed of [1, 2, 3, 4]) {
      const res = await client.chat.completions.create({
        model: "qwen3-tiny",
        messages,
        tools: [unitTool],
        tool_choice: "required",
        parallel_tool_calls: false,
        max_completion_tokens: 50,
        temperature: 1.5,
        seed,
      });
      expect(res.choices[0]?.finish_reason).toBe("tool_calls");
      expect(res.choices[0]?.message.tool_calls).toHaveLength(1);
    }
  });

  it("renders tools and a tool round trip through the Qwen3 template (hermes detected)", async () => {
    const base = { model: "qwen3-tiny", max_completion_tokens: 4, temperature: 0 };
    const plain = await client.chat.completions.create({ ...base, messages });
    const withTools = await client.chat.completions.create({ ...base, messages, tools: [weatherTool] });
    // The template lists the tools (and the <tool_call> instructions) in the system turn.
    expect(withTools.usage?.prompt_tokens).toBeGreaterThan((plain.usage?.prompt_tokens ?? 0) + 20);
    expect(withTools.choices[0]?.finish_reason).toBe("length");
    const roundTrip = [
      ...messages,
      {
        role: "assistant" as const,
        content: "",
        tool_calls: [
          {
            id: "call_1",
            type: "function" as const,
            function: { name: "get_weather", arguments: '{"city": "Paris"}' },
          },
        ],
      },
      { role: "tool" as const, tool_call_id: "call_1", content: "sunny" },
    ];
    const answer = await client.chat.completions.create({
      ...base,
      messages: roundTrip,
      tools: [weatherTool],
    });
    // The call and its result are rendered: a longer prompt than the tools alone.
    expect(answer.usage?.prompt_tokens).toBeGreaterThan((withTools.usage?.prompt_tokens ?? 0) + 10);
    const chunks = [];
    const stream = await client.chat.completions.create({
      ...base,
      messages: roundTrip,
      tools: [weatherTool],
      stream: true,
    });
    for await (const c of stream) chunks.push(c);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("length");
    const badCall = { id: "c", type: "function", function: { name: "f", arguments: "{" } };
    const bad = await postJson(`${live.url}/v1/chat/completions`, {
      messages: [{ role: "assistant", content: "", tool_calls: [badCall] }],
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("messages[0].tool_calls[0].function.arguments is not valid JSON");
  });
});

describe("--chat-template on a base model", () => {
  it("lets stories260K chat with the given template", async () => {
    const stories = await liveServer({
      app: { chatTemplate: "{% for m in messages %}{{ m.content }}{% endfor %}" },
    });
    try {
      const c = new OpenAI({ baseURL: stories.baseURL, apiKey: "unused", maxRetries: 0 });
      const res = await c.chat.completions.create({
        model: "stories260K",
        messages: [{ role: "user", content: "Once upon a time" }],
        max_tokens: 6,
        temperature: 0,
      });
      // The template adds no BOS, so the prompt is the text's 4 tokens.
      expect(res.usage?.prompt_tokens).toBe(4);
      expect(res.choices[0]?.message.content?.length).toBeGreaterThan(0);
    } finally {
      await stories.running.close();
    }
  });
});
