import { afterEach, describe, expect, it } from "vitest";
import { type LiveServer, liveServer } from "../testing/live-server.js";
import { parseSse, postJson } from "../testing/sse.js";

let live: LiveServer | null = null;
afterEach(async () => {
  await live?.running.close();
  live = null;
});

const greedy = { prompt: "Once upon a time", temperature: 0, ignore_eos: true };

/** What a new request gets while the server drains: a status and code, or the socket error's code. */
async function newRequestDuringDrain(url: string): Promise<string> {
  try {
    const res = await postJson(`${url}/v1/completions`, { ...greedy, max_tokens: 4 });
    const body = (await res.json()) as { error?: { code: string } };
    return `${res.status} ${body.error?.code}`;
  } catch (err) {
    return ((err as Error).cause as { code?: string } | undefined)?.code ?? String(err);
  }
}

describe("graceful shutdown", () => {
  it("lets in-flight requests finish within the grace period and takes no new ones", async () => {
    let closed = 0;
    live = await liveServer({
      wrapEngine: (engine) => ({
        submit: (r) => engine.submit(r),
        abort: (id) => engine.abort(id),
        stats: () => engine.stats(),
        inspect: () => engine.inspect(),
        resetPrefixCache: () => engine.resetPrefixCache(),
        close: () => {
          closed++;
          return engine.close();
        },
      }),
    });
    const { url, running } = live;
    const streamed = postJson(`${url}/v1/completions`, { ...greedy, max_tokens: 120, stream: true }).then(
      (r) => r.text(),
    );
    const whole = postJson(`${url}/v1/completions`, { ...greedy, max_tokens: 120 }).then((r) => r.json());
    while (live.server.state.numInFlight < 2) await new Promise((r) => setTimeout(r, 2));
    const stopped = running.shutdown(30_000);
    expect(live.server.state.phase).toBe("draining");
    // Refused at connect, reset on a kept-alive socket the server is closing, or answered 503.
    const refusals = ["503 server.draining", "ECONNREFUSED", "ECONNRESET", "UND_ERR_SOCKET"];
    expect(refusals).toContain(await newRequestDuringDrain(url));

    const events = parseSse(await streamed) as Array<{ choices?: Array<{ finish_reason: string | null }> }>;
    expect(events.at(-1)).toBe("[DONE]");
    expect(events.at(-2)?.choices?.[0]?.finish_reason).toBe("length");
    const body = (await whole) as {
      choices: Array<{ finish_reason: string }>;
      usage: { completion_tokens: number };
    };
    expect(body.choices[0]?.finish_reason).toBe("length");
    expect(body.usage.completion_tokens).toBe(120);
    await stopped;
    expect(live.server.state.numInFlight).toBe(0);
    expect(live.lines.map((l) => l.msg)).toContain("stopped");
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    expect(closed).toBe(1); // the engine was closed with the server
  });

  it("aborts what is still running when the grace period ends", async () => {
    live = await liveServer();
    const { url, running } = live;
    const long = { ...greedy, max_tokens: 500 };
    const streamed = postJson(`${url}/v1/completions`, { ...long, stream: true }).then((r) => r.text());
    const whole = postJson(`${url}/v1/completions`, long);
    while (live.engine.stats().numRunning < 2) await new Promise((r) => setTimeout(r, 2));
    const t0 = performance.now();
    await running.shutdown(30);
    expect(performance.now() - t0).toBeLessThan(2_000);

    const events = parseSse(await streamed) as Array<{ error?: { code: string } }>;
    expect(events.at(-1)).toBe("[DONE]");
    expect(events.at(-2)?.error?.code).toBe("server.draining");
    const res = await whole;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("server.draining");
    expect(live.lines.filter((l) => l.aborted === "shutdown")).toHaveLength(2);
  });
});
