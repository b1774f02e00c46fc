import { describe, expect, it } from "vitest";
import { parseSse } from "../testing/sse.js";
import { Channel } from "./channel.js";
import { sseResponse } from "./sse.js";

describe("Channel", () => {
  it("hands items over in order, then ends; a failure is thrown after the queued items", async () => {
    const c = new Channel<number>();
    c.push(1);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const x of c) seen.push(x);
    })();
    c.push(2);
    await Promise.resolve();
    c.push(3);
    c.end();
    c.push(4);
    await reading;
    expect(seen).toEqual([1, 2, 3]);

    const f = new Channel<number>();
    f.push(1);
    f.fail(new Error("broken"));
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const x of f) got.push(x);
      })(),
    ).rejects.toThrow("broken");
    expect(got).toEqual([1]);
  });
});

describe("sseResponse", () => {
  it("writes each event as data: JSON, then [DONE], and closes once", async () => {
    const calls: string[] = [];
    async function* events() {
      yield { a: 1 };
      yield { b: "x\ny" };
    }
    const res = sseResponse(events(), {
      onCancel: () => calls.push("cancel"),
      onClose: () => calls.push("close"),
    });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const text = await res.text();
    expect(text).toBe('data: {"a":1}\n\ndata: {"b":"x\\ny"}\n\ndata: [DONE]\n\n');
    expect(parseSse(text)).toEqual([{ a: 1 }, { b: "x\ny" }, "[DONE]"]);
    expect(calls).toEqual(["close"]);
  });

  it("tells the route when the reader cancels", async () => {
    const calls: string[] = [];
    const never = new Channel<unknown>();
    never.push({ first: true });
    const res = sseResponse(never, {
      onCancel: () => calls.push("cancel"),
      onClose: () => calls.push("close"),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: {"first":true}\n\n');
    await reader.cancel();
    expect(calls).toEqual(["cancel", "close"]);
  });
});
