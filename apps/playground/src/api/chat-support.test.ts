import { describe, expect, it } from "vitest";
import { chatFlagOf, detectChatSupport } from "./chat-support.js";

/** A fetch that answers each path with a fixed status and JSON body, and records the paths asked. */
function server(routes: Record<string, [number, unknown]>) {
  const asked: string[] = [];
  const f = async (url: string | URL | Request) => {
    const path = String(url);
    asked.push(path);
    const route = routes[path];
    if (!route) return new Response("not found", { status: 404 });
    return new Response(JSON.stringify(route[1]), { status: route[0] });
  };
  return { fetch: f as typeof fetch, asked };
}

describe("chatFlagOf", () => {
  it("reads the flags a server may state and is undefined otherwise", () => {
    expect(chatFlagOf({ id: "m", chat: true })).toBe(true);
    expect(chatFlagOf({ id: "m", capabilities: { chat: false } })).toBe(false);
    expect(chatFlagOf({ id: "m", chat_template: false })).toBe(false);
    expect(chatFlagOf({ id: "m", chat_template: "{{ messages }}" })).toBeUndefined();
    expect(chatFlagOf(null)).toBeUndefined();
  });
});

describe("detectChatSupport", () => {
  it("trusts a flag in /v1/models without probing", async () => {
    const s = server({ "/v1/models": [200, { data: [{ id: "tiny", capabilities: { chat: true } }] }] });
    expect(await detectChatSupport({ fetch: s.fetch })).toMatchObject({ chat: true, model: "tiny" });
    expect(s.asked).toEqual(["/v1/models"]);
  });

  it("probes chat when no flag is stated: a 400 hides chat, with the server's reason", async () => {
    const s = server({
      "/v1/models": [200, { data: [{ id: "stories260K" }] }],
      "/v1/chat/completions": [400, { error: { message: "stories260K has no chat template" } }],
    });
    expect(await detectChatSupport({ fetch: s.fetch })).toEqual({
      chat: false,
      model: "stories260K",
      reason: "400: stories260K has no chat template",
    });
  });

  it("probes chat when no flag is stated: a 200 shows chat", async () => {
    const s = server({
      "/v1/models": [200, { data: [{ id: "qwen" }] }],
      "/v1/chat/completions": [200, { id: "chatcmpl-1", choices: [] }],
    });
    expect((await detectChatSupport({ fetch: s.fetch })).chat).toBe(true);
  });
});
