import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModelWeights, writeRandomModel } from "@pagoda/model-loaders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sampler } from "../batch/sample-batch.js";
import { sampleOnCpu } from "../batch/sampling.js";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { type LockstepTolerance, recordingSampler, runLockstep } from "../testing/lockstep.js";
import { LOCKSTEP_CASES, type LockstepCase } from "../testing/lockstep-cases.js";
import { type RandomMixOptions, randomRequests } from "../testing/random-requests.js";
import { createWasmExecutor } from "./create-wasm-executor.js";
import type { WasmWeightDtype } from "./wasm-weights.js";

// F32 sums in SIMD lanes against the reference's float64 sums: only rounding differs.
const F32_TOLERANCE: LockstepTolerance = { logprob: 1e-4, tieMargin: 1e-3 };
// F16 weights rounded from F32 ones, each off by up to 2^-11 relative.
const F16_TOLERANCE: LockstepTolerance = { logprob: 5e-3, tieMargin: 1e-2 };

const NUM_BLOCKS = 160;

describe("WasmExecutor against the reference (tiny random models)", { timeout: 120_000 }, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pagoda-wasm-"));
    for (const [i, c] of LOCKSTEP_CASES.entries()) {
      await writeRandomModel(join(dir, c.family), c.family, c.shapes, { dtype: c.dtype, seed: 11 + i });
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const requestsFor = (c: LockstepCase, mix: Partial<RandomMixOptions>) =>
    randomRequests({
      count: 12,
      vocab: c.shapes.vocabSize,
      blockSize: c.blockSize,
      numBlocks: NUM_BLOCKS,
      seed: 7,
      maxPrompt: 40,
      maxTokens: 24,
      maxArrival: 12,
      ...(c.longPrompt !== undefined && { longPrompt: c.longPrompt }),
      ...mix,
    });

  async function wasmFor(c: LockstepCase, weightDtype: WasmWeightDtype, threads: number, sampler?: Sampler) {
    const model = await loadModelWeights(join(dir, c.family));
    const executor = await createWasmExecutor({
      model,
      blockSize: c.blockSize,
      numBlocks: NUM_BLOCKS,
      maxNumBatchedTokens: 512,
      maxNumSeqs: 16,
      weightDtype,
      threads,
      // Every kernel on the pool, however small these models are: the thread split is what's tested.
      parallelMinWork: 0,
      ...(sampler && { sampler }),
    });
    await model.close();
    return executor;
  }

  async function compare(c: LockstepCase, weightDtype: WasmWeightDtype, tol: LockstepTolerance, mix = {}) {
    const model = await loadModelWeights(join(dir, c.family));
    const { sampler, last } = recordingSampler();
    const reference = new CpuExecutor(model.config, await readWeightsF32(model.weights), {
      blockSize: c.blockSize,
      numBlocks: NUM_BLOCKS,
      sampler,
    });
    await model.close();
    const executor = await wasmFor(c, weightDtype, 2);
    try {
      return await runLockstep(reference, last, executor, requestsFor(c, mix), c.chunk, tol);
    } finally {
      await executor.close();
    }
  }

  for (const c of LOCKSTEP_CASES) {
    it(`${c.name}: F32 weights match the reference over a random mixed batch`, async () => {
      const report = await compare(c, "f32", F32_TOLERANCE);
      expect(report.ties.length, JSON.stringify(report.ties)).toBeLessThanOrEqual(2);
      expect(report.tokens).toBeGreaterThan(100);
      expect(report.maxLogprobError).toBeLessThan(F32_TOLERANCE.logprob);
    });
  }

  it("F16 weights (from an F32 checkpoint) follow the F32 reference within the F16 tolerance", async () => {
    const report = await compare(LOCKSTEP_CASES[0] as LockstepCase, "f16", F16_TOLERANCE, {
      greedyOnly: true,
    });
    expect(report.ties.length, JSON.stringify(report.ties)).toBeLessThanOrEqual(3);
    expect(report.tokens).toBeGreaterThan(80);
    // Rounding the weights must show up, or the F16 path was not taken.
    expect(report.maxLogprobError).toBeGreaterThan(1e-5);
  });

  it('"auto" computes on F16 and BF16 checkpoints as stored, exactly as their F32 widening', async () => {
    for (const c of LOCKSTEP_CASES.filter((c) => c.dtype !== "F32")) {
      const report = await compare(c, "auto", F32_TOLERANCE);
      expect(report.maxLogprobError, c.name).toBeLessThan(F32_TOLERANCE.logprob);
    }
  });

  it("1 thread and 2 threads compute bit-identical logits", async () => {
    for (const c of LOCKSTEP_CASES) {
      // Every logits row each executor sampled from, in order.
      const rows =
        (into: Float32Array[]): Sampler =>
        (logits, r) => {
          into.push(logits.slice());
          return sampleOnCpu(logits, r);
        };
      const oneRows: Float32Array[] = [];
      const twoRows: Float32Array[] = [];
      const { sampler, last } = recordingSampler();
      const recordOne: Sampler = (logits, r) => {
        oneRows.push(logits.slice());
        return sampler(logits, r);
      };
      const one = await wasmFor(c, "auto", 1, recordOne);
      const two = await wasmFor(c, "auto", 2, rows(twoRows));
      expect(one.threads).toBe(1);
      expect(two.threads).toBe(2);
      try {
        await runLockstep(one, last, two, requestsFor(c, {}), c.chunk, F32_TOLERANCE);
      } finally {
        await one.close();
        await two.close();
      }
      expect(twoRows.length, c.name).toBeGreaterThan(100);
      expect(twoRows.length).toBe(oneRows.length);
      twoRows.forEach((row, i) => {
        expect(
          Buffer.from(row.buffer).equals(Buffer.from((oneRows[i] as Float32Array).buffer)),
          `${c.name} row ${i}`,
        ).toBe(true);
      });
    }
  });
});
