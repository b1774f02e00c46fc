import { AsyncQueue } from "@pagoda/engine";
import { describe, expect, it } from "vitest";
import { parseSse } from "../testing/sse.js";
import { sseResponse } from "./sse.js";

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
    const never = new AsyncQueue<unknown>();
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
