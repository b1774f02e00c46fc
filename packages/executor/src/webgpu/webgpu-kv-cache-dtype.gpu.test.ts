import { join } from "node:path";
import { loadModelWeights, writeRandomModel } from "@pagoda/model-loaders";
import { describeGpu } from "@pagoda/vitest-config/gpu";
import { expect, it } from "vitest";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { forkAndSwapScenario } from "../testing/executor-scenarios.js";
import { stories260KDir } from "../testing/golden.js";
import { type LockstepTolerance, recordingSampler, runLockstep } from "../testing/lockstep.js";
import { LOCKSTEP_CASES } from "../testing/lockstep-cases.js";
import { randomRequests } from "../testing/random-requests.js";
import { useTempDir } from "../testing/temp-dir.js";
import { createWebGpuExecutor } from "./create-webgpu-executor.js";
import { useGpuDevice } from "./testing/gpu-device.js";

// The WebGPU executor with f16 and int8 KV caches against the reference executor storing the same
// dtype. Both store K/V rows with kv-paging's encoding (the kernels' writes are bit-exact with the
// codec on lavapipe), so they differ by f32 vs f64 sums plus the rare value whose rounding lands on
// the other side of an f16 / int8 step; the WASM executor's 1e-2 bound holds for the same reason
// (src/wasm/kv-cache-dtype.test.ts). A block or an int8 scale lost by a swap or copy-on-write
// would move logprobs by O(1) and change tokens.
const TOLERANCE: LockstepTolerance = { logprob: 1e-2, tieMargin: 2e-2 };
// The tiny model's K/V stay near 1, where a flipped rounding moves a logprob far less (measured on
// lavapipe: f16 2.2e-5, int8 1.2e-6 over 85 tokens); 1e-3 is still far below the ~1e-2 an int8
// cache moves logprobs against an f32 one.
const MIX_TOLERANCE: LockstepTolerance = { logprob: 1e-3, tieMargin: 1e-2 };

describeGpu("KV cache dtypes on the WebGPU executor", () => {
  const device = useGpuDevice();
  const tmp = useTempDir("pagoda-webgpu-kv-");

  for (const kvCacheDtype of ["f16", "int8"] as const) {
    it(`${kvCacheDtype}: stories260K copy-on-write forks and swaps keep rows and scales, as the reference does`, async () => {
      const model = await loadModelWeights(stories260KDir());
      const sizes = { blockSize: 8, numBlocks: 64, numSwapBlocks: 4, kvCacheDtype };
      const cpu = new CpuExecutor(model.config, await readWeightsF32(model.weights), sizes);
      const exec = await createWebGpuExecutor({
        model,
        gpu: device.gpu,
        ...sizes,
        maxNumBatchedTokens: 128,
        maxNumSeqs: 8,
        weightDtype: "f32",
      });
      await model.close();
      expect(exec.sizes.kvCacheDtype).toBe(kvCacheDtype);
      await forkAndSwapScenario(cpu, exec, TOLERANCE.logprob);
      await exec.close();
    });

    it(`${kvCacheDtype}: a random mixed batch on a tiny GQA model follows the reference`, async () => {
      const c = LOCKSTEP_CASES[0];
      if (c === undefined) throw new Error("no lockstep case");
      const path = join(tmp.path, `${c.family}-${kvCacheDtype}`);
      await writeRandomModel(path, c.family, c.shapes, { dtype: c.dtype, seed: 11 });
      const model = await loadModelWeights(path);
      const numBlocks = 96;
      const { sampler, last } = recordingSampler();
      const cpu = new CpuExecutor(model.config, await readWeightsF32(model.weights), {
        blockSize: c.blockSize,
        numBlocks,
        sampler,
        kvCacheDtype,
      });
      const exec = await createWebGpuExecutor({
        model,
        gpu: device.gpu,
        blockSize: c.blockSize,
        numBlocks,
        maxNumBatchedTokens: 256,
        maxNumSeqs: 16,
        weightDtype: "f32",
        kvCacheDtype,
      });
      await model.close();
      const requests = randomRequests({
        count: 8,
        vocab: c.shapes.vocabSize,
        blockSize: c.blockSize,
        numBlocks,
        seed: 7,
        maxPrompt: 40,
        maxTokens: 16,
        maxArrival: 8,
      });
      expect(exec.sizes.kvCacheDtype).toBe(kvCacheDtype);
      const report = await runLockstep(cpu, last, exec, requests, c.chunk, MIX_TOLERANCE);
      await exec.close();
      console.log(
        `webgpu kv ${kvCacheDtype}: max logprob error ${report.maxLogprobError}, ${report.tokens} tokens`,
      );
      expect(report.tokens).toBeGreaterThan(60);
      expect(report.ties.length, JSON.stringify(report.ties)).toBeLessThanOrEqual(2);
      expect(report.maxLogprobError).toBeLessThan(MIX_TOLERANCE.logprob);
    });
  }
});
