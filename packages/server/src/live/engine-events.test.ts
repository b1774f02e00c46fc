import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type LiveServer, liveServer } from "../testing/live-server.js";
import { postJson } from "../testing/sse.js";
import type { EngineSnapshotEvent } from "./engine-snapshot.js";

/** Reads `event: snapshot` messages from the live feed until `until` holds for one. */
async function readSnapshots(
  res: Response,
  until: (e: EngineSnapshotEvent) => boolean,
  seen: EngineSnapshotEvent[] = [],
): Promise<EngineSnapshotEvent[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return seen;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      expect(block).toMatch(/^event: snapshot\n/);
      const data = block.split("\n").find((l) => l.startsWith("data: "));
      const event = JSON.parse((data as string).slice(6)) as EngineSnapshotEvent;
      seen.push(event);
      if (until(event)) {
        await reader.cancel();
        return seen;
      }
    }
  }
}

describe("GET /v1/engine/events", () => {
  let live: LiveServer | null = null;
  afterEach(async () => {
    await live?.running.close();
    live = null;
  });

  it("streams the blocks a request holds while it runs, and their release after", async () => {
    live = await liveServer({ app: { engineEvents: { intervalMs: 20 } } });
    const feed = await fetch(`${live.url}/v1/engine/events`);
    expect(feed.headers.get("content-type")).toContain("text/event-stream");
    const completion = postJson(`${live.url}/v1/completions`, {
      model: "stories260K",
      prompt: "Once upon a time",
      max_tokens: 200,
      temperature: 0,
    }).then((r) => r.json() as Promise<{ id: string }>);
    const seen = await readSnapshots(
      feed,
      (e) => e.metrics.numFinished === 1 && e.queues.running.length === 0,
    );
    const { id } = await completion;
    const busy = seen.find((e) => e.kv.tables[id] !== undefined);
    expect(busy, "a snapshot shows the request's block table").toBeDefined();
    const table = busy?.kv.tables[id] as number[];
    for (const b of table) expect(busy?.kv.states[b]).toBe("used");
    expect(busy?.queues.running).toContain(id);
    const last = seen.at(-1) as EngineSnapshotEvent;
    expect(last.kv.tables).toEqual({});
    expect(last.kv.states.slice(1).every((s) => s !== "used")).toBe(true);
    expect(last.metrics.ttftP50Ms).toBeGreaterThan(0);
    // Never one event per token: 200 tokens came in fewer snapshots.
    expect(seen.length).toBeLessThan(200);
  }, 30_000);

  it("ends the feed when the server drains", async () => {
    live = await liveServer();
    const feed = await fetch(`${live.url}/v1/engine/events`);
    const reading = readSnapshots(feed, () => false);
    await new Promise((r) => setTimeout(r, 150));
    await live.running.shutdown(1_000);
    live = null;
    expect((await reading).length).toBeGreaterThan(0);
  });
});

describe("GET /playground/", () => {
  it("serves the built playground's files, and redirects /playground", async () => {
    const dir = mkdtempSync(join(tmpdir(), "playground-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>Pagoda playground</title>");
    const live = await liveServer({ app: { playgroundDir: dir } });
    try {
      const page = await fetch(`${live.url}/playground/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Pagoda playground");
      const bare = await fetch(`${live.url}/playground`, { redirect: "manual" });
      expect(bare.status).toBe(302);
      expect(bare.headers.get("location")).toBe("/playground/");
      expect((await fetch(`${live.url}/playground/missing.js`)).status).toBe(404);
    } finally {
      await live.running.close();
    }
  });
});
