import { describe, expect, it } from "vitest";
import { AsyncEngine } from "../async/async-engine.js";
import type { EngineClient } from "../async/engine-client.js";
import { testEngine } from "../testing/stories.js";
import { buildTestLLM, inThreadWorkerEngine } from "../worker/testing/in-thread.js";

// Reads the first output of a stream, then inspects the engine while the request is mid-decode.
async function inspectMidRequest(client: EngineClient) {
  const stream = await client.submit({
    requestId: "a",
    prompt: "Once upon a time",
    params: { max_tokens: 40, n: 2 },
  });
  const it = stream[Symbol.asyncIterator]();
  await it.next();
  const view = await client.inspect();
  await it.return?.();
  return view;
}

describe("inspect: a live view of queues, blocks and the last step", () => {
  it("in this thread: running samples, their tables and the step's batch", async () => {
    const { engine } = await testEngine({ blockSize: 4 });
    const client = new AsyncEngine(engine);
    expect((await client.inspect()).lastStep).toBeNull();
    const view = await inspectMidRequest(client);
    expect(view.running.sort()).toEqual(["a", "a#1"]);
    expect(view.waiting).toEqual([]);
    // The samples share their full prompt blocks: the same first block in both tables.
    expect(view.kv.tables.a?.[0]).toBe(view.kv.tables["a#1"]?.[0]);
    expect(view.kv.refCounts[view.kv.tables.a?.[0] as number]).toBe(2);
    expect(view.lastStep?.numSeqs).toBe(2);
    await client.idle();
    expect(Object.keys((await client.inspect()).kv.tables)).toEqual([]);
  });

  it("through the worker protocol: the same view, structured-cloned", async () => {
    const { engine, dispose } = await inThreadWorkerEngine(buildTestLLM({ blockSize: 4 }));
    try {
      const view = await inspectMidRequest(engine);
      expect(view.running.sort()).toEqual(["a", "a#1"]);
      expect(view.kv.states.length).toBe(view.kv.numBlocks);
      expect(view.lastStep).not.toBeNull();
    } finally {
      await engine.close();
      dispose();
    }
  });
});
