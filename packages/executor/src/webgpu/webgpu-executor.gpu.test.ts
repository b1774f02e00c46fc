import { planKVCache } from "@pagoda/kv-paging";
import { greedyParams } from "@pagoda/scheduler";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { expect, it } from "vitest";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { goldenCases } from "../testing/golden.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import type { WebGpuExecutorOptions } from "./options.js";
import { useStoriesOnGpu } from "./testing/stories-on-gpu.js";
import { makeStep, Twin } from "./testing/twin.js";

// Counts what `device` creates until `restore()`: the whole device, not only the executor's own books.
function countCreations(device: GPUDevice) {
  const counts = { buffers: 0, bindGroups: 0, pipelines: 0 };
  const { createBuffer, createBindGroup, createComputePipeline } = device;
  device.createBuffer = (d) => {
    counts.buffers++;
    return createBuffer.call(device, d);
  };
  device.createBindGroup = (d) => {
    counts.bindGroups++;
    return createBindGroup.call(device, d);
  };
  device.createComputePipeline = (d) => {
    counts.pipelines++;
    return createComputePipeline.call(device, d);
  };
  const restore = () => Object.assign(device, { createBuffer, createBindGroup, createComputePipeline });
  return { counts, restore };
}

describeGpu("WebGpuExecutor (stories260K)", () => {
  const held = useStoriesOnGpu();

  const make = (o: Partial<WebGpuExecutorOptions> = {}) =>
    createWebGpuExecutor({
      model: held.model,
      gpu: held.gpu,
      blockSize: 8,
      numBlocks: 64,
      maxNumBatchedTokens: 128,
      maxNumSeqs: 8,
      ...o,
    });
  const prompt = (i: number) => [1, ...Array.from({ length: 6 + i }, (_, j) => 30 + 7 * i + j)];

  it("records steady decode steps without creating pipelines, bind groups or buffers", async () => {
    const exec = await make();
    const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);
    const tokens = new Map(ids.map((id, i) => [id, prompt(i)]));
    await exec.execute(
      makeStep({
        scheduledNewReqs: ids.map((id, i) => ({
          requestId: id,
          tokenIds: tokens.get(id) as number[],
          numPromptTokens: 7 + i,
          samplingParams: { ...greedyParams(64), logprobs: 3, repetitionPenalty: i % 2 ? 1.1 : 1 },
          blockIds: [1 + 4 * i, 2 + 4 * i, 3 + 4 * i, 4 + 4 * i],
          numComputedTokens: 0,
        })),
        numScheduledTokens: Object.fromEntries(ids.map((id, i) => [id, 7 + i])),
      }),
    );
    const decode = async (step: number) => {
      const out = await exec.execute(
        makeStep({
          step,
          scheduledCachedReqs: ids.map((id, i) => ({
            requestId: id,
            newBlockIds: [],
            numComputedTokens: 6 + i + step,
          })),
          numScheduledTokens: Object.fromEntries(ids.map((id) => [id, 1])),
        }),
      );
      for (const id of ids) expect(out.sampledTokenIds[id]).toHaveLength(1);
    };
    await decode(1);
    await decode(2);
    const before = exec.resourceCounts();
    const created = countCreations(held.gpu.device);
    try {
      for (let step = 3; step < 15; step++) await decode(step);
    } finally {
      created.restore();
    }
    expect(created.counts).toEqual({ buffers: 0, bindGroups: 0, pipelines: 0 });
    expect(exec.resourceCounts()).toEqual(before);
    expect(before.pipelines).toBeGreaterThan(10);
    const t = exec.lastStepTimings;
    expect(t.prepareMs + t.gpuMs).toBeGreaterThan(0);
    await exec.close();
  });

  it("sizes the cache from kvCacheBytes with the memory planner and reports upload progress", async () => {
    const progress: Array<[number, number]> = [];
    const kvCacheBytes = 1 << 20;
    const exec = await make({
      numBlocks: undefined,
      kvCacheBytes,
      onProgress: (a, b) => progress.push([a, b]),
    });
    const { config } = held.model;
    const shape = { numLayers: config.numLayers, numKVHeads: config.numKvHeads, headDim: config.headDim };
    expect(exec.sizes.numBlocks).toBe(
      planKVCache({ ...shape, kvDtypeBytes: 4 }, 8, { kvCacheBytes }).numBlocks,
    );
    const total = progress.at(-1)?.[1];
    expect(progress.at(-1)?.[0]).toBe(total);
    expect(progress.length).toBeGreaterThan(config.numLayers * 5);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]?.[0]).toBeGreaterThan(progress[i - 1]?.[0] as number);
    await exec.close();
  });

  it("runs copy-on-write forks and swap-out / swap-in like the CPU reference", async () => {
    const cpu = new CpuExecutor(held.model.config, await readWeightsF32(held.model.weights), {
      blockSize: 8,
      numBlocks: 64,
      numSwapBlocks: 4,
    });
    const twin = new Twin(cpu, await make({ numSwapBlocks: 4 }), 1e-4);
    const params = { ...greedyParams(64), logprobs: 5 };
    const p = (goldenCases()[2]?.promptIds ?? []).slice(0, 11);
    const all = (id: string) => [...p, ...(twin.tokens.get(id) ?? [])];
    const newReq = (id: string, tokenIds: number[], blockIds: number[], numComputedTokens: number) => ({
      requestId: id,
      tokenIds,
      numPromptTokens: 11,
      samplingParams: params,
      blockIds,
      numComputedTokens,
    });
    const cached = (id: string, numComputedTokens: number, newBlockIds: number[] = []) => ({
      requestId: id,
      newBlockIds,
      numComputedTokens,
    });
    await twin.step({
      step: 0,
      scheduledNewReqs: [newReq("A", p, [5, 9], 0)],
      numScheduledTokens: { A: 11 },
    });
    await twin.step({ step: 1, scheduledCachedReqs: [cached("A", 11)], numScheduledTokens: { A: 1 } });
    // Fork: B shares A's full block 5 and gets a copy of its partial block 9.
    twin.tokens.set("B", [...(twin.tokens.get("A") ?? [])]);
    await twin.step({
      step: 2,
      scheduledNewReqs: [newReq("B", all("A"), [5, 12], 12)],
      scheduledCachedReqs: [cached("A", 12)],
      numScheduledTokens: { A: 1, B: 1 },
      blockCopies: [[9, 12]],
    });
    for (let step = 3; step <= 6; step++) {
      const more = step === 6;
      await twin.step({
        step,
        scheduledCachedReqs: [
          cached("A", 10 + step, more ? [13] : []),
          cached("B", 10 + step, more ? [14] : []),
        ],
        numScheduledTokens: { A: 1, B: 1 },
      });
    }
    // A goes to host blocks 0-2; C then overwrites A's device blocks 9 and 13.
    const c = Array.from({ length: 16 }, (_, i) => 100 + i);
    await twin.step({
      step: 7,
      preemptedReqIds: ["A"],
      swapOut: [
        [5, 0],
        [9, 1],
        [13, 2],
      ],
      scheduledNewReqs: [{ ...newReq("C", c, [9, 13], 0), numPromptTokens: 16 }],
      scheduledCachedReqs: [cached("B", 17)],
      numScheduledTokens: { B: 1, C: 16 },
    });
    await twin.step({
      step: 8,
      finishedReqIds: ["C"],
      swapIn: [
        [0, 20],
        [1, 21],
        [2, 22],
      ],
      scheduledNewReqs: [newReq("A", all("A"), [20, 21, 22], 17)],
      scheduledCachedReqs: [cached("B", 18)],
      numScheduledTokens: { A: 1, B: 1 },
    });
    for (let step = 9; step <= 11; step++) {
      await twin.step({
        step,
        scheduledCachedReqs: [cached("A", 9 + step), cached("B", 10 + step)],
        numScheduledTokens: { A: 1, B: 1 },
      });
    }
    const [a, b] = [twin.tokens.get("A") ?? [], twin.tokens.get("B") ?? []];
    expect(a.length).toBe(11);
    // Same history, same greedy continuation: the fork and the swapped-back request agree.
    expect(b.slice(0, a.length)).toEqual(a);
    await twin.candidate.close();
  });

  it("refuses bad steps with a code naming the problem", async () => {
    const exec = await make({ maxNumBatchedTokens: 16 });
    const req = (id: string, tokenIds: number[], blockIds = [1, 2]) =>
      makeStep({
        scheduledNewReqs: [
          {
            requestId: id,
            tokenIds,
            numPromptTokens: tokenIds.length,
            samplingParams: greedyParams(4),
            blockIds,
            numComputedTokens: 0,
          },
        ],
        numScheduledTokens: { [id]: tokenIds.length },
      });
    await expect(exec.execute(req("a", [1, 600]))).rejects.toMatchObject({ code: "executor.bad_token" });
    await expect(exec.execute(req("b", Array(17).fill(3), [1, 2, 3]))).rejects.toMatchObject({
      code: "executor.batch_too_large",
    });
    await expect(exec.execute(req("c", [1, 2], [99]))).rejects.toMatchObject({ code: "executor.bad_step" });
    await expect(exec.execute(makeStep({ swapIn: [[0, 3]] }))).rejects.toMatchObject({
      code: "executor.bad_step",
    });
    expect((await exec.execute(req("d", [1, 2, 3]))).sampledTokenIds.d).toHaveLength(1);
    await exec.close();
    await expect(exec.execute(req("e", [1]))).rejects.toMatchObject({ code: "executor.closed" });
  });
});
