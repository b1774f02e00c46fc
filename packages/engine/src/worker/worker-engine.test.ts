import { isPagodaError, PagodaError } from "@pagoda/errors";
import type { Executor } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import type { RequestOutput } from "../core/types.js";
import { goldenCases } from "../testing/stories.js";
import { buildTestLLM, inThreadWorkerEngine } from "./testing/in-thread.js";

class DeviceLostError extends PagodaError {}

async function collect(stream: AsyncIterable<RequestOutput>): Promise<RequestOutput[]> {
  const out: RequestOutput[] = [];
  for await (const o of stream) out.push(o);
  return out;
}

// Fails every step that would start the request named "boom".
const failOnBoom = (inner: Executor): Executor => ({
  execute: async (step) => {
    if (step.scheduledNewReqs.some((r) => r.requestId === "boom")) {
      throw new DeviceLostError("executor.device_lost", "the device was lost", { details: { step: 3 } });
    }
    return inner.execute(step);
  },
  close: () => inner.close(),
});

describe("WorkerEngine over a MessageChannel (protocol core, in-thread)", () => {
  it("fails only the requests of a failed step, with the typed error, and keeps serving", async () => {
    // One sequence at a time: "boom" is scheduled alone, "queued" waits behind it.
    const { engine, dispose } = await inThreadWorkerEngine(buildTestLLM({ wrap: failOnBoom, maxNumSeqs: 1 }));
    try {
      const greedy = { temperature: 0, max_tokens: 30 };
      const boom = await engine.submit({ requestId: "boom", prompt: "Tom", params: greedy });
      const queued = await engine.submit({ requestId: "queued", prompt: "Once upon a time", params: greedy });
      const [failed, ok] = await Promise.all([collect(boom), collect(queued)]);

      expect(failed).toHaveLength(1);
      const err = failed[0]?.error;
      expect(failed[0]?.finishReason).toBe("error");
      expect(err).toBeInstanceOf(PagodaError);
      expect(isPagodaError(err, "executor.device_lost")).toBe(true);
      expect([err?.name, err?.message, err?.details]).toEqual([
        "DeviceLostError",
        "the device was lost",
        { step: 3 },
      ]);

      const golden = goldenCases()[1]?.completionIds.slice(0, 30);
      expect(ok.flatMap((o) => o.tokenIds)).toEqual(golden);
      expect(ok.at(-1)?.finishReason).toBe("length");

      const later = await collect(await engine.submit({ prompt: "Once upon a time", params: greedy }));
      expect(later.flatMap((o) => o.tokenIds)).toEqual(golden);
      expect(engine.stats().kv.numUsedBlocks).toBe(0);
      expect(engine.stats().numRunning + engine.stats().numWaiting).toBe(0);
    } finally {
      await engine.close();
      dispose();
    }
  });

  it("fails every open stream with engine.step_failed when the step loop breaks", async () => {
    // An executor that answers its third step with tokens for nobody breaks a scheduler invariant.
    let calls = 0;
    const wrap = (inner: Executor): Executor => ({
      execute: async (step) => {
        const out = await inner.execute(step);
        return ++calls === 3 ? { sampledTokenIds: {}, logprobs: {} } : out;
      },
      close: () => inner.close(),
    });
    const { engine, dispose } = await inThreadWorkerEngine(buildTestLLM({ wrap }));
    try {
      const streams = await Promise.all(
        ["Tom", "Once upon a time"].map((prompt) => engine.submit({ prompt, params: { max_tokens: 20 } })),
      );
      for (const s of streams) {
        const err = await collect(s).catch((e: unknown) => e);
        expect(isPagodaError(err, "engine.step_failed")).toBe(true);
      }
      expect(engine.stats().kv.numUsedBlocks).toBe(0);
    } finally {
      await engine.close();
      dispose();
    }
  });

  it("ends every open stream on close and refuses requests afterwards", async () => {
    const { engine, dispose } = await inThreadWorkerEngine(buildTestLLM());
    try {
      const streams = await Promise.all(
        ["a", "b"].map((requestId) =>
          engine.submit({ requestId, prompt: "Tom", params: { max_tokens: 200 } }),
        ),
      );
      await engine.close();
      for (const s of streams) expect((await collect(s)).at(-1)?.finishReason).toBe("abort");
      const err = await engine.submit({ prompt: "Tom" }).catch((e: unknown) => e);
      expect(isPagodaError(err, "engine.closed")).toBe(true);
      expect(await engine.abort("a")).toBe(false);
    } finally {
      dispose();
    }
  });

  it("rejects a duplicate id without touching the stream in flight", async () => {
    const { engine, dispose } = await inThreadWorkerEngine(buildTestLLM());
    try {
      const params = { temperature: 0, max_tokens: 12 };
      const first = await engine.submit({ requestId: "x", prompt: "Once upon a time", params });
      const err = await engine.submit({ requestId: "x", prompt: "Tom", params }).catch((e: unknown) => e);
      expect(isPagodaError(err, "engine.duplicate_request")).toBe(true);
      const out = await collect(first);
      expect(out.flatMap((o) => o.tokenIds)).toEqual(goldenCases()[1]?.completionIds.slice(0, 12));
    } finally {
      await engine.close();
      dispose();
    }
  });

  it("resets the prefix cache in the worker, refusing while a request holds blocks", async () => {
    const { engine, dispose } = await inThreadWorkerEngine(buildTestLLM({}));
    try {
      const prompt = goldenCases()[2]?.prompt ?? "Once upon a time";
      await collect(await engine.submit({ prompt, params: { temperature: 0, max_tokens: 20 } }));
      expect(engine.stats().kv.numCachedBlocks).toBeGreaterThan(0);

      const running = await engine.submit({ prompt, params: { max_tokens: 300, ignore_eos: true } });
      const it = running[Symbol.asyncIterator]();
      await it.next();
      expect(await engine.resetPrefixCache()).toBe(false);
      await it.return?.();
      await expect.poll(() => engine.resetPrefixCache()).toBe(true);
      // The reply carries the worker's stats after the reset.
      expect(engine.stats().kv.numCachedBlocks).toBe(0);
    } finally {
      await dispose();
    }
  });
});
