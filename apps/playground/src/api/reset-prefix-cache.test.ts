import { describe, expect, it } from "vitest";
import { resetPrefixCache } from "./reset-prefix-cache.js";

const answer =
  (status: number, body: unknown): typeof fetch =>
  async () =>
    new Response(JSON.stringify(body), { status });

describe("resetPrefixCache", () => {
  it("posts to /reset_prefix_cache under the base URL", async () => {
    const calls: string[] = [];
    const spy: typeof fetch = async (url, init) => {
      calls.push(`${init?.method} ${String(url)}`);
      return new Response('{"reset":true}');
    };
    expect(await resetPrefixCache({ fetch: spy, baseUrl: "http://h:1" })).toEqual({ ok: true });
    expect(calls).toEqual(["POST http://h:1/reset_prefix_cache"]);
  });

  it("returns the server's reason for a refusal, and a network error's message", async () => {
    const busy = answer(409, { error: { message: "the prefix cache cannot be reset (3 in use)" } });
    expect(await resetPrefixCache({ fetch: busy })).toEqual({
      ok: false,
      message: "409: the prefix cache cannot be reset (3 in use)",
    });
    const down: typeof fetch = async () => {
      throw new TypeError("fetch failed");
    };
    expect(await resetPrefixCache({ fetch: down })).toEqual({ ok: false, message: "fetch failed" });
  });
});
