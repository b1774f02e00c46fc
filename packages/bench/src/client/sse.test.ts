import { describe, expect, it } from "vitest";
import { sseData } from "./sse.js";

function stream(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const s of chunks) c.enqueue(enc.encode(s));
      c.close();
    },
  });
}

async function all(chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const d of sseData(stream(chunks))) out.push(d);
  return out;
}

describe("sseData", () => {
  it("yields one payload per event, however the bytes are split", async () => {
    const text = 'data: {"a":1}\n\n: keep-alive\n\nevent: x\ndata: {"b":2}\n\ndata: [DONE]\n\n';
    const whole = await all([text]);
    expect(whole).toEqual(['{"a":1}', '{"b":2}', "[DONE]"]);
    for (let cut = 1; cut < text.length; cut++) {
      expect(await all([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
  });

  it("handles CRLF and CR line ends split between chunks, multi-line data and a missing final blank line", async () => {
    expect(await all(["data: a\r", "\ndata: b\r\n\r\n", "data:c\rdata: d"])).toEqual(["a\nb", "c\nd"]);
  });

  it("splits a multi-byte character across chunks correctly", async () => {
    const bytes = new TextEncoder().encode("data: héllo\n\n");
    const s = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, 8));
        c.enqueue(bytes.slice(8));
        c.close();
      },
    });
    const out: string[] = [];
    for await (const d of sseData(s)) out.push(d);
    expect(out).toEqual(["héllo"]);
  });
});
