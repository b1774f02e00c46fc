import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { parseChunk, requestBody, type StreamDelta, streamCompletion } from "./completion-stream.js";

const SAMPLING = { maxTokens: 16, temperature: 0.8, topP: 0.95, seed: 7 };

/** A fetch that answers with the given body, delivered in chunks of `chunkSize` bytes. */
function answering(body: string, init: ResponseInit = {}, chunkSize = 7) {
  const calls: { url: string; body: unknown }[] = [];
  const bytes = new TextEncoder().encode(body);
  const f = async (url: string | URL | Request, req?: RequestInit) => {
    calls.push({ url: String(url), body: JSON.parse(String(req?.body)) });
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at + chunkSize));
        at += chunkSize;
      },
    });
    return new Response(stream, { status: 200, ...init });
  };
  return { fetch: f as typeof fetch, calls };
}

async function collect(it: AsyncIterable<StreamDelta>): Promise<StreamDelta[]> {
  const out: StreamDelta[] = [];
  for await (const d of it) out.push(d);
  return out;
}

describe("requestBody", () => {
  it("builds a streamed completion and a one-turn chat in OpenAI field names", () => {
    expect(requestBody({ mode: "completion", prompt: "Once", sampling: SAMPLING })).toEqual({
      path: "/v1/completions",
      body: { prompt: "Once", max_tokens: 16, temperature: 0.8, top_p: 0.95, seed: 7, stream: true },
    });
    const chat = requestBody({
      mode: "chat",
      prompt: "Hi",
      history: [
        { role: "user", content: "Hello" },
        { role: "assistant", content: "Hi there" },
      ],
      sampling: { ...SAMPLING, seed: null, ignoreEos: true },
      n: 2,
    });
    expect(chat.path).toBe("/v1/chat/completions");
    expect(chat.body).toEqual({
      messages: [
        { role: "user", content: "Hello" },
        { role: "assistant", content: "Hi there" },
        { role: "user", content: "Hi" },
      ],
      max_tokens: 16,
      temperature: 0.8,
      top_p: 0.95,
      ignore_eos: true,
      n: 2,
      stream: true,
    });
  });
});

describe("parseChunk", () => {
  it("reads text and chat chunks, several choices, and [DONE]", () => {
    expect(parseChunk('{"id":"cmpl-1","choices":[{"index":0,"text":"a","finish_reason":null}]}')).toEqual([
      { id: "cmpl-1", index: 0, text: "a", finishReason: null },
    ]);
    expect(
      parseChunk(
        '{"id":"chatcmpl-2","choices":[{"index":1,"delta":{"content":"b"},"finish_reason":"stop"},{"index":0,"delta":{"role":"assistant"}}]}',
      ),
    ).toEqual([
      { id: "chatcmpl-2", index: 1, text: "b", finishReason: "stop" },
      { id: "chatcmpl-2", index: 0, text: "", finishReason: null },
    ]);
    expect(parseChunk("[DONE]")).toBeNull();
  });

  it("throws typed errors for an error chunk and for garbage", () => {
    const code = (data: string) => {
      try {
        parseChunk(data);
      } catch (e) {
        return isPagodaError(e) ? e.code : "untyped";
      }
      return "no error";
    };
    expect(code('{"error":{"message":"engine died"}}')).toBe("api.stream_error");
    expect(code("not json")).toBe("api.bad_chunk");
    expect(code('{"choices":[]}')).toBe("api.bad_chunk");
  });
});

describe("streamCompletion", () => {
  it("yields the deltas of an SSE body split at arbitrary byte boundaries and stops at [DONE]", () => {
    const sse = [
      'data: {"id":"cmpl-9","choices":[{"index":0,"text":"Once","finish_reason":null}]}',
      'data: {"id":"cmpl-9","choices":[{"index":0,"text":" upon ünïcode","finish_reason":null}]}',
      'data: {"id":"cmpl-9","choices":[{"index":0,"text":"","finish_reason":"length"}]}',
      "data: [DONE]",
      'data: {"id":"cmpl-9","choices":[{"index":0,"text":"after done","finish_reason":null}]}',
    ]
      .map((l) => `${l}\n\n`)
      .join("");
    return Promise.all(
      [1, 3, 7, 64].map(async (size) => {
        const { fetch, calls } = answering(sse, {}, size);
        const deltas = await collect(
          streamCompletion(
            { mode: "completion", prompt: "x", sampling: SAMPLING },
            { fetch, baseUrl: "http://h" },
          ),
        );
        expect(calls[0]?.url).toBe("http://h/v1/completions");
        expect(deltas.map((d) => d.text).join("")).toBe("Once upon ünïcode");
        expect(deltas.at(-1)?.finishReason).toBe("length");
      }),
    );
  });

  it("rejects with the server's error message when the request is refused", async () => {
    const body = JSON.stringify({
      error: { message: "model has no chat template", type: "invalid_request_error" },
    });
    const { fetch } = answering(body, { status: 400, statusText: "Bad Request" });
    const err = await collect(
      streamCompletion({ mode: "chat", prompt: "x", sampling: SAMPLING }, { fetch }),
    ).catch((e: unknown) => e);
    expect(isPagodaError(err, "api.http_error")).toBe(true);
    expect((err as Error).message).toBe("400: model has no chat template");
  });
});
