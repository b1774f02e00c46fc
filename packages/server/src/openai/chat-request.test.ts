import { describe, expect, it } from "vitest";
import {
  type ChatRequest,
  chatRequestSchema,
  chatSampling,
  checkChatRequest,
  templateMessages,
} from "./chat-request.js";

const parse = (body: Record<string, unknown>): ChatRequest =>
  chatRequestSchema.parse({ messages: [{ role: "user", content: "Hi" }], ...body });

describe("chat request fields", () => {
  it("maps max_completion_tokens and logprobs + top_logprobs onto the engine's fields", () => {
    expect(chatSampling(parse({ max_completion_tokens: 9, temperature: 0 }), 100)).toEqual({
      max_tokens: 9,
      temperature: 0,
    });
    expect(chatSampling(parse({ logprobs: true, top_logprobs: 3 }), 100)).toEqual({
      max_tokens: 100,
      logprobs: 3,
    });
    expect(chatSampling(parse({ logprobs: true }), 100)).toMatchObject({ logprobs: 0 });
    expect(chatSampling(parse({ logprobs: false }), 100)).not.toHaveProperty("logprobs");
    // No room left: the engine reports the overflow with the numbers.
    expect(chatSampling(parse({}), 0)).not.toHaveProperty("max_tokens");
  });

  it("takes max_tokens and max_completion_tokens together, the latter winning (vLLM)", () => {
    const both = parse({ max_tokens: 5, max_completion_tokens: 6 });
    expect(() => checkChatRequest(both)).not.toThrow();
    expect(chatSampling(both, 100)).toEqual({ max_tokens: 6 });
    expect(chatSampling(parse({ max_tokens: 5, max_completion_tokens: null }), 100)).toEqual({
      max_tokens: 5,
    });
  });

  it("passes vLLM's sampling extras through for the engine to check", () => {
    const s = chatSampling(
      parse({ top_k: 5, min_p: 0.1, repetition_penalty: 1.1, stop_token_ids: [2], priority: 1 }),
      10,
    );
    expect(s).toEqual({
      top_k: 5,
      min_p: 0.1,
      repetition_penalty: 1.1,
      stop_token_ids: [2],
      priority: 1,
      max_tokens: 10,
    });
  });

  it("flattens text parts and reads developer as system", () => {
    const r = parse({
      messages: [
        { role: "developer", content: "Rules" },
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        },
        { role: "assistant", content: null, name: "bot" },
      ],
    });
    expect(templateMessages(r)).toEqual([
      { role: "system", content: "Rules" },
      { role: "user", content: "a\nb" },
      { role: "assistant", content: "", name: "bot" },
    ]);
  });

  it.each([
    [
      {
        tools: [{ type: "function", function: { name: "f" } }],
        tool_choice: { type: "function", function: { name: "g" } },
      },
      "tool_choice",
    ],
    [{ tool_choice: { type: "function", function: { name: "f" } } }, "tool_choice"],
    [{ top_logprobs: 2 }, "top_logprobs"],
    [{ continue_final_message: true, add_generation_prompt: true }, "continue_final_message"],
    [{ stream_options: { include_usage: true } }, "stream_options"],
  ])("rejects %j naming %s", (body, param) => {
    expect(() => checkChatRequest(parse(body))).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ param }) }),
    );
  });

  it("rejects image parts with a message that says so", () => {
    const r = chatRequestSchema.safeParse({
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain("images");
  });
});
