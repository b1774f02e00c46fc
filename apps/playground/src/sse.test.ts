import { describe, expect, it } from "vitest";
import { SseParser } from "./sse.js";

describe("SseParser", () => {
  it("parses events split across arbitrary chunk boundaries", () => {
    const body =
      'data: {"a":1}\n\nevent: stats\ndata: line1\ndata: line2\n\n: keep-alive\n\ndata: [DONE]\n\n';
    for (let cut = 0; cut <= body.length; cut++) {
      const p = new SseParser();
      const events = [...p.push(body.slice(0, cut)), ...p.push(body.slice(cut))];
      expect(events).toEqual([
        { event: "message", data: '{"a":1}' },
        { event: "stats", data: "line1\nline2" },
        { event: "message", data: "[DONE]" },
      ]);
    }
  });

  it("treats a CRLF split across chunks as one line ending", () => {
    const body = "data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n";
    for (let cut = 0; cut <= body.length; cut++) {
      const p = new SseParser();
      expect([...p.push(body.slice(0, cut)), ...p.push(body.slice(cut))]).toEqual([
        { event: "message", data: "a\nb" },
        { event: "message", data: "c" },
      ]);
    }
  });

  it("accepts CRLF line endings and keeps an unfinished event for later", () => {
    const p = new SseParser();
    expect(p.push("data: x\r\n\r\ndata: y")).toEqual([{ event: "message", data: "x" }]);
    expect(p.push("\r\n\r\n")).toEqual([{ event: "message", data: "y" }]);
  });
});
