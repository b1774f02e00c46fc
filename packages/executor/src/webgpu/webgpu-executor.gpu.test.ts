import { planKVCache } from "@pagoda/kv-paging";
import { greedyParams } from "@pagoda/scheduler";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { expect, it } from "vitest";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { badStepsScenario, forkAndSwapScenario } from "../testing/executor-scenarios.js";
import { makeStep } from "../testing/twin.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import type { WebGpuExecutorOptions } from "./options.js";
import { useStoriesOnGpu } from "./testing/stories-on-gpu.js";

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
    const candidate = await make({ numSwapBlocks: 4 });
    await forkAndSwapScenario(cpu, candidate);
    await candidate.close();
  });

  it("refuses bad steps with a code naming the problem", async () => {
    await badStepsScenario(await make({ maxNumBatchedTokens: 16 }));
  });
});
