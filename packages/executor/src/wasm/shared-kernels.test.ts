import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWasmKernels } from "@pagoda/kernels-wasm";
import { type LoadedWeights, loadModelWeights, writeRandomModel } from "@pagoda/model-loaders";
import { greedyParams } from "@pagoda/scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildForwardPlan } from "../model/plan.js";
import { planFeatures } from "../model/plan-tensors.js";
import { goldenCases, stories260KDir } from "../testing/golden.js";
import { SPEC_MODELS } from "../testing/spec-scenarios.js";
import { type DriverRequest, runToCompletion } from "../testing/step-driver.js";
import { createWasmExecutor, type WasmExecutorOptions } from "./create-wasm-executor.js";
import { wasmBufferBytes } from "./wasm-buffers.js";
import type { WasmExecutor } from "./wasm-executor.js";
import { wasmWeightBytes } from "./wasm-weights.js";

const BLOCK_SIZE = 8;

// Greedy with the top-3 logprobs: tokens and logprobs are compared bit for bit.
function requests(tag: string, prompts: readonly number[][], maxTokens: number): DriverRequest[] {
  return prompts.map((prompt, i) => ({
    id: `${tag}${i}`,
    prompt,
    params: { ...greedyParams(maxTokens), logprobs: 3 },
    blockIds: Array.from({ length: 8 }, (_, b) => 1 + i * 8 + b),
  }));
}

const run = (e: WasmExecutor, reqs: DriverRequest[]) => runToCompletion(e, reqs, 5);

describe("createWasmExecutor({ kernels }): two models on one thread pool and memory", {
  timeout: 120_000,
}, () => {
  let dir: string;
  let target: LoadedWeights;
  let draft: LoadedWeights;
  const stories = goldenCases().map((c) => c.promptIds);
  const llama = SPEC_MODELS[0] as (typeof SPEC_MODELS)[number];
  const small = [
    [3, 17, 99, 4, 250],
    [7, 7, 7, 8],
  ];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pagoda-shared-kernels-"));
    await writeRandomModel(dir, llama.family, llama.shapes, { seed: 5 });
    target = await loadModelWeights(stories260KDir());
    draft = await loadModelWeights(dir);
  });

  afterAll(async () => {
    await target.close();
    await draft.close();
    await rm(dir, { recursive: true, force: true });
  });

  const base = { blockSize: BLOCK_SIZE, numBlocks: 40, maxNumBatchedTokens: 64, maxNumSeqs: 4 };
  const make = (model: LoadedWeights, o: Partial<WasmExecutorOptions>) =>
    createWasmExecutor({ model, ...base, ...o });

  for (const threads of [1, 2]) {
    it(`${threads} thread(s): the target's outputs stay bit-identical once a second model is added to its memory`, async () => {
      const alone = await make(target, { threads, parallelMinWork: 0 });
      const first = await run(alone, requests("a", stories.slice(0, 2), 12));
      const second = await run(alone, requests("b", stories.slice(2, 4), 12));
      await alone.close();
      const draftAlone = await make(draft, { threads, parallelMinWork: 0 });
      const draftOut = await run(draftAlone, requests("d", small, 10));
      await draftAlone.close();

      const t = await make(target, { threads, parallelMinWork: 0 });
      expect(await run(t, requests("a", stories.slice(0, 2), 12))).toEqual(first);
      const before = t.kernels.f32(0, 1); // a view on the memory as it is now
      const bytesBefore = before.buffer.byteLength;
      const d = await make(draft, { kernels: t.kernels });
      expect(d.kernels).toBe(t.kernels);
      expect(d.threads).toBe(threads);
      expect(t.kernels.sharedMemory).toBe(threads > 1);
      // The draft's weights and cache grew the memory: a non-shared buffer is now detached.
      expect(t.kernels.f32(0, 1).buffer.byteLength).toBeGreaterThan(bytesBefore);
      expect(before.length).toBe(threads > 1 ? 1 : 0);
      // Interleaved as an engine drives them: each model's outputs are those it gives alone.
      expect(await run(d, requests("d", small, 10))).toEqual(draftOut);
      expect(await run(t, requests("b", stories.slice(2, 4), 12))).toEqual(second);
      expect(await run(d, requests("e", small, 10))).toEqual(
        new Map([...draftOut].map(([id, r]) => [id.replace("d", "e"), r])),
      );
      // Closing the borrower leaves the kernels up; closing their creator stops them.
      await d.close();
      expect(await run(t, requests("a", stories.slice(0, 1), 12))).toEqual(
        new Map([["a0", first.get("a0")]]),
      );
      const late = await make(draft, { kernels: t.kernels });
      await t.close();
      await expect(run(late, requests("d", small, 2))).rejects.toMatchObject({ code: "kernels_wasm.closed" });
      await late.close();
    });
  }

  it("refuses a model that does not fit beside the other before taking any memory; the other runs on", async () => {
    const reqs = requests("a", stories.slice(0, 2), 12);
    const probe = await make(target, { threads: 1 });
    const expected = await run(probe, reqs);
    const targetBytes = probe.kernels.usedBytes; // its scratch included, grown by the run
    const fits = await make(draft, { kernels: probe.kernels });
    const draftBytes = probe.kernels.usedBytes - targetBytes;
    await fits.close();
    await probe.close();
    // A memory with room for the target and about half of the draft.
    const page = 65536;
    const kernels = await createWasmKernels({
      threads: 1,
      maximumMemoryBytes: Math.ceil((targetBytes + draftBytes / 2) / page) * page,
    });
    const t = await make(target, { kernels });
    expect(await run(t, reqs)).toEqual(expected);
    const used = kernels.usedBytes;
    await expect(make(draft, { kernels })).rejects.toMatchObject({
      code: "executor.out_of_memory",
      details: { requested: expect.any(Number), used, maximum: kernels.maxBytes },
    });
    expect(kernels.usedBytes).toBe(used);
    expect(await run(t, requests("b", stories.slice(0, 2), 12))).toEqual(
      new Map([...expected].map(([id, r]) => [id.replace("a", "b"), r])),
    );
    await t.close();
    await kernels.close();
  });

  it("counts before allocating exactly what it then allocates, give or take alignment", async () => {
    const t = await make(target, { threads: 1 });
    const before = t.kernels.usedBytes;
    const d = await make(draft, { kernels: t.kernels });
    const taken = t.kernels.usedBytes - before;
    const plan = buildForwardPlan(draft.config, planFeatures(draft.weights));
    const headDim = draft.config.headDim;
    const counted =
      wasmWeightBytes(plan, draft.weights, "auto") + wasmBufferBytes(plan, d.sizes, headDim / 2);
    expect(taken).toBeLessThanOrEqual(counted);
    expect(counted - taken).toBeLessThan(16 * 64); // at most one alignment pad per allocation
    await d.close();
    await t.close();
  });

  it("refuses threads or parallelMinWork beside kernels, naming them", async () => {
    const t = await make(target, { threads: 1 });
    await expect(make(draft, { kernels: t.kernels, threads: 2 })).rejects.toMatchObject({
      code: "executor.bad_option",
      message: expect.stringContaining("threads"),
    });
    await expect(make(draft, { kernels: t.kernels, parallelMinWork: 0 })).rejects.toMatchObject({
      code: "executor.bad_option",
      message: expect.stringContaining("parallelMinWork"),
    });
    await t.close();
  });
});
