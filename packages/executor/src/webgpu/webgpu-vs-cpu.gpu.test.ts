import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PagodaDevice, requestDevice } from "@pagoda/kernels-wgsl";
import { loadModelWeights, writeRandomModel } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { type LockstepTolerance, recordingSampler, runLockstep } from "../testing/lockstep.js";
import { LOCKSTEP_CASES as CASES, type LockstepCase as Case } from "../testing/lockstep-cases.js";
import { type RandomMixOptions, randomRequests } from "../testing/random-requests.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import type { WeightDtypeChoice } from "./options.js";

// F32 on the GPU against the F64-accumulating CPU reference: only summation order differs
// (measured: at most 6e-6 over these mixes), so the golden suite's 1e-4 holds here too.
const F32_TOLERANCE: LockstepTolerance = { logprob: 1e-4, tieMargin: 1e-3 };
// F16 weights rounded from F32 ones, each off by up to 2^-11 relative (measured: 6e-4).
const F16_TOLERANCE: LockstepTolerance = { logprob: 5e-3, tieMargin: 1e-2 };

describeGpu("WebGpuExecutor against the CPU reference (tiny random models)", () => {
  let gpu: PagodaDevice;
  let dir: string;
  const errors: string[] = [];

  beforeAll(async () => {
    gpu = await requestDevice();
    gpu.device.onuncapturederror = (event) => errors.push(event.error.message);
    dir = await mkdtemp(join(tmpdir(), "pagoda-webgpu-"));
    for (const [i, c] of CASES.entries()) {
      await writeRandomModel(join(dir, c.family), c.family, c.shapes, { dtype: c.dtype, seed: 11 + i });
    }
  });

  afterAll(async () => {
    gpu.device.destroy();
    await rm(dir, { recursive: true, force: true });
    expect(errors, "WebGPU validation errors").toEqual([]);
  });

  async function compare(
    c: Case,
    weightDtype: WeightDtypeChoice,
    tol: LockstepTolerance,
    mix: Partial<RandomMixOptions>,
  ) {
    const model = await loadModelWeights(join(dir, c.family));
    const numBlocks = 160;
    const { sampler, last } = recordingSampler();
    const cpu = new CpuExecutor(model.config, await readWeightsF32(model.weights), {
      blockSize: c.blockSize,
      numBlocks,
      sampler,
    });
    const gpuExec = await createWebGpuExecutor({
      model,
      gpu,
      blockSize: c.blockSize,
      numBlocks,
      maxNumBatchedTokens: 256,
      maxNumSeqs: 16,
      weightDtype,
    });
    await model.close();
    const requests = randomRequests({
      count: 12,
      vocab: c.shapes.vocabSize,
      blockSize: c.blockSize,
      numBlocks,
      seed: 7,
      maxPrompt: 40,
      maxTokens: 24,
      maxArrival: 12,
      ...(c.longPrompt !== undefined && { longPrompt: c.longPrompt }),
      ...mix,
    });
    const report = await runLockstep(cpu, last, gpuExec, requests, c.chunk, tol);
    const dtype = gpuExec.weightDtype;
    await gpuExec.close();
    return { report, dtype };
  }

  for (const c of CASES) {
    it(`${c.name}: F32 weights match the reference over a random mixed batch`, async () => {
      const { report, dtype } = await compare(c, "f32", F32_TOLERANCE, {});
      expect(dtype).toBe("f32");
      expect(report.ties.length, JSON.stringify(report.ties)).toBeLessThanOrEqual(2);
      expect(report.tokens).toBeGreaterThan(100);
      expect(report.maxLogprobError).toBeLessThan(F32_TOLERANCE.logprob);
    });
  }

  it("F16 weights (from an F32 checkpoint) follow the F32 reference within the F16 tolerance", async () => {
    const c = CASES[0] as Case;
    const { report, dtype } = await compare(c, "f16", F16_TOLERANCE, { greedyOnly: true });
    expect(dtype).toBe(gpu.features.has("shader-f16") ? "f16" : "f32");
    expect(report.ties.length, JSON.stringify(report.ties)).toBeLessThanOrEqual(3);
    expect(report.tokens).toBeGreaterThan(80);
    // Rounding the weights must show up, or the F16 path was not taken.
    if (dtype === "f16") expect(report.maxLogprobError).toBeGreaterThan(1e-5);
  });

  it('"auto" keeps a BF16 checkpoint in F16, which holds BF16 values exactly', async () => {
    const c = CASES[2] as Case;
    const { report, dtype } = await compare(c, "auto", F32_TOLERANCE, {});
    expect(dtype).toBe(gpu.features.has("shader-f16") ? "f16" : "f32");
    expect(report.maxLogprobError).toBeLessThan(F32_TOLERANCE.logprob);
  });
});
