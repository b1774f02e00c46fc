import { isPagodaError, type PagodaError } from "@pagoda/errors";
import { MetricsRecorder } from "@pagoda/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestOutput } from "../../core/types.js";
import { SamplingParamsError } from "../../errors.js";
import { createEngine } from "../../offline/create-engine.js";
import { parseSamplingParams } from "../../sampling/index.js";
import { goldenCases, storiesDir } from "../../testing/stories.js";
import type { WorkerEngine } from "../worker-engine.js";
import { WorkerEngine as Engine } from "../worker-engine.js";
import { nodePort } from "./node-port.js";
import { spawnWorkerEngine, startEngineWorker } from "./spawn.js";

const GOLDEN_STOP = 1; // the reference run stops on BOS
const GOLDEN_TOTAL = 257;

async function collect(stream: AsyncIterable<RequestOutput>): Promise<RequestOutput[]> {
  const out: RequestOutput[] = [];
  for await (const o of stream) out.push(o);
  return out;
}

describe("spawnWorkerEngine (a real worker thread)", () => {
  const metrics = new MetricsRecorder();
  const progress: Array<[number, number]> = [];
  let engine: WorkerEngine;
  beforeAll(async () => {
    engine = await spawnWorkerEngine({
      model: storiesDir(),
      device: "cpu",
      // The golden ids are the exact model's; the default F16 cache flips one near tie at token 90.
      kvCacheDtype: "f32",
      blockSize: 8,
      metrics,
      onLoadProgress: (loaded, total) => progress.push([loaded, total]),
    });
  }, 30_000);
  afterAll(() => engine.close());

  it("reports weight-loading progress before ready, ending at the total", () => {
    expect(progress.length).toBeGreaterThan(0);
    const [loaded, total] = progress.at(-1) as [number, number];
    expect(loaded).toBe(total);
    expect(total).toBeGreaterThan(500_000); // stories260K: ~1 MB of F32 weights
  });

  it("streams the golden greedy outputs, with metrics on this thread's clock", async () => {
    expect(engine.info).toMatchObject({ device: "cpu", blockSize: 8 });
    const cases = goldenCases().slice(1, 4);
    const before = performance.now() / 1000;
    const streams = await Promise.all(
      cases.map((c) =>
        engine.submit({
          prompt: c.prompt,
          params: {
            temperature: 0,
            max_tokens: GOLDEN_TOTAL - c.promptIds.length,
            stop_token_ids: [GOLDEN_STOP],
          },
        }),
      ),
    );
    const accepted = performance.now() / 1000;
    const results = await Promise.all(streams.map(collect));
    results.forEach((outs, i) => {
      const ids = outs.flatMap((o) => o.tokenIds);
      const last = outs.at(-1);
      expect(last?.finishReason === "stop" ? ids.slice(0, -1) : ids).toEqual(cases[i]?.completionIds);
      expect(outs.filter((o) => o.finishReason !== null)).toHaveLength(1);
    });
    expect(engine.stats().kv.numUsedBlocks).toBe(0);

    const snap = metrics.snapshot();
    expect(snap.requests.finished).toBe(3);
    // Arrival happened between the submit calls and their replies, as this thread measures time.
    expect(snap.throughput.startTime).toBeGreaterThanOrEqual(before);
    expect(snap.throughput.startTime).toBeLessThanOrEqual(accepted);
    expect(snap.throughput.endTime).toBeLessThanOrEqual(performance.now() / 1000);
  }, 30_000);

  it("rejects bad parameters with the typed error the engine threw", async () => {
    const inThread = (() => {
      try {
        parseSamplingParams({ temperature: 5 }, { maxModelLen: engine.info.maxModelLen, numPromptTokens: 3 });
      } catch (err) {
        return err as SamplingParamsError;
      }
    })();
    const err = await engine.submit({ prompt: "Hi", params: { temperature: 5 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SamplingParamsError);
    expect(isPagodaError(err, "sampling.invalid")).toBe(true);
    const e = err as SamplingParamsError;
    expect([e.message, e.details]).toEqual([inThread?.message, inThread?.details]);
    expect(e.details?.param).toBe("temperature");

    const overflow = await engine
      .submit({ prompt: "Hi", params: { max_tokens: 10 ** 6 } })
      .catch((x: unknown) => x);
    expect(isPagodaError(overflow, "sampling.context_overflow")).toBe(true);
    expect((overflow as SamplingParamsError).details?.param).toBe("max_tokens");
  });

  it("frees a request's blocks by the time abort resolves, and on break", async () => {
    const params = { temperature: 0, max_tokens: 200 };
    const stream = await engine.submit({ requestId: "long", prompt: "Once upon a time", params });
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    expect(engine.stats().kv.numUsedBlocks).toBeGreaterThan(0);
    expect(await engine.abort("long")).toBe(true);
    expect(engine.stats().kv.numUsedBlocks).toBe(0);
    let last = await it.next();
    while (!last.done && last.value.finishReason === null) last = await it.next();
    expect(last.done ? null : last.value.finishReason).toBe("abort");
    expect(await engine.abort("long")).toBe(false);

    const aborted = engine.stats().numAborted;
    for await (const o of await engine.submit({ requestId: "left", prompt: "Tom", params })) {
      expect(o.finishReason).toBeNull();
      break;
    }
    // The break sent an abort; this later one arrives after it and finds nothing in flight.
    expect(await engine.abort("left")).toBe(false);
    expect(engine.stats().numAborted).toBe(aborted + 1);
    expect(engine.stats().kv.numUsedBlocks).toBe(0);
  });
});

describe("worker failures", () => {
  it("rejects with the worker's typed error when the model cannot be loaded", async () => {
    const options = { model: `${storiesDir()}-missing`, device: "cpu" } as const;
    const inThread = (await createEngine(options).then(
      () => null,
      (e: unknown) => e,
    )) as PagodaError;
    const err = await spawnWorkerEngine(options).catch((e: unknown) => e);
    expect(isPagodaError(err)).toBe(true);
    const e = err as PagodaError;
    expect([e.code, e.message, e.details]).toEqual([inThread.code, inThread.message, inThread.details]);
    expect(e.message).toContain("stories260K-missing");
  }, 30_000);

  it("fails open streams and later calls with engine.worker_exited when the worker dies", async () => {
    const worker = startEngineWorker();
    const engine = await Engine.connect(nodePort(worker), { model: storiesDir(), device: "cpu" });
    const stream = await engine.submit({ prompt: "Once upon a time", params: { max_tokens: 200 } });
    const reading = collect(stream).catch((e: unknown) => e);
    await worker.terminate();
    const err = await reading;
    expect(isPagodaError(err, "engine.worker_exited")).toBe(true);
    const later = await engine.submit({ prompt: "Tom" }).catch((e: unknown) => e);
    expect(isPagodaError(later, "engine.worker_exited")).toBe(true);
    expect(await engine.abort("req-0")).toBe(false);
    await engine.close();
  }, 30_000);
});
