import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type LiveServer, liveServer } from "../testing/live-server.js";
import { postJson } from "../testing/sse.js";

let live: LiveServer;
beforeAll(async () => {
  live = await liveServer();
});
afterAll(() => live.running.close());

const long = { prompt: "Once upon a time", max_tokens: 480, temperature: 0, ignore_eos: true };
const stats = () => live.engine.stats();

// Blocks must be free within a step of the server seeing the disconnect; the test sees the abort
// a little before the server does, so it allows a couple of steps for the socket to close.
async function expectFreedSoon(stepsBefore: number): Promise<void> {
  expect(await eventually(() => stats().kv.numUsedBlocks === 0)).toBe(true);
  expect(stats().numSteps - stepsBefore).toBeLessThanOrEqual(4);
  expect(stats().numRunning + stats().numWaiting).toBe(0);
}

describe("a client that goes away aborts its request", () => {
  it("a streamed request: blocks are free within a step, the access line says why", async () => {
    const stop = new AbortController();
    const res = await postJson(`${live.url}/v1/completions`, { ...long, stream: true }, {}, stop.signal);
    const id = res.headers.get("x-request-id");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the first chunk: the request is decoding
    expect(stats().kv.numUsedBlocks).toBeGreaterThan(0);
    const before = stats().numSteps;
    stop.abort();
    await expectFreedSoon(before);
    expect(stats().numAborted).toBe(1);
    expect(await eventually(() => live.lines.some((l) => l.reqId === id && l.msg === "request"))).toBe(true);
    const line = live.lines.find((l) => l.reqId === id && l.msg === "request");
    expect(line).toMatchObject({ status: 200, aborted: "disconnect" });
    expect(line?.completionTokens).toBeLessThan(480);
  });

  it("a non-streamed request: the same, though no byte was sent yet", async () => {
    const stop = new AbortController();
    const pending = postJson(`${live.url}/v1/completions`, long, {}, stop.signal).catch((e: Error) => e);
    expect(await eventually(() => stats().numRunning === 1 && stats().numSteps > 0)).toBe(true);
    const before = stats().numSteps;
    stop.abort();
    expect(await pending).toBeInstanceOf(Error);
    await expectFreedSoon(before);
    expect(stats().numAborted).toBe(2);
  });

  it("a batch of prompts: every prompt of it is aborted", async () => {
    const stop = new AbortController();
    const batch = { ...long, max_tokens: 200, prompt: ["Once upon a time", "Tom and Lily"], stream: true };
    const res = await postJson(`${live.url}/v1/completions`, batch, {}, stop.signal);
    await (res.body as ReadableStream<Uint8Array>).getReader().read();
    const before = stats().numSteps;
    stop.abort();
    await expectFreedSoon(before);
    expect(stats().numAborted).toBe(4);
  });
});
