import { type KvCacheDtype, planKVCache } from "@pagoda/kv-paging";
import { type LoadedWeights, loadModelWeights } from "@pagoda/model-loaders";
import { greedyParams } from "@pagoda/scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CpuExecutor } from "../cpu/cpu-executor.js";
import { readWeightsF32 } from "../model/read-weights.js";
import { forkAndSwapScenario } from "../testing/executor-scenarios.js";
import {
  GOLDEN_MAX_TOTAL_TOKENS,
  GOLDEN_STOP_TOKEN,
  goldenCases,
  stories260KDir,
} from "../testing/golden.js";
import { runToCompletion } from "../testing/step-driver.js";
import { createWasmExecutor } from "./create-wasm-executor.js";

// The WASM executor with f16 and int8 KV caches against the reference executor storing the same
// dtype: both round K/V with kv-paging's codec, so they differ only by f32 vs f64 sums, plus the
// rare value whose rounding lands on the other side of an f16 / int8 step: stories260K's K/V reach
// ~8, where one f16 step is 2^-7, so one flipped element moves a logprob by up to ~5e-3 (measured
// 5.4e-3 on the f16 fork/swap scenario). Hence 1e-2, not the f32 executors' 1e-4; a block or an
// int8 scale lost by a swap or a copy would move logprobs by O(1) and change tokens.
const TOLERANCE = 1e-2;

describe("KV cache dtypes on the WASM executor (stories260K)", { timeout: 120_000 }, () => {
  let model: LoadedWeights;
  beforeAll(async () => {
    model = await loadModelWeights(stories260KDir());
  });
  afterAll(async () => {
    await model.close();
  });

  for (const kvCacheDtype of ["f16", "int8"] as const) {
    it(`${kvCacheDtype}: copy-on-write forks and swaps keep rows and scales, as the reference does`, async () => {
      const cpu = new CpuExecutor(model.config, await readWeightsF32(model.weights), {
        blockSize: 8,
        numBlocks: 64,
        numSwapBlocks: 4,
        kvCacheDtype,
      });
      const wasm = await createWasmExecutor({
        model,
        blockSize: 8,
        numBlocks: 64,
        numSwapBlocks: 4,
        maxNumBatchedTokens: 128,
        maxNumSeqs: 8,
        threads: 2,
        parallelMinWork: 0,
        kvCacheDtype,
      });
      await forkAndSwapScenario(cpu, wasm, TOLERANCE);
      await wasm.close();
    });
  }

  // Rounding K/V changes logits by ~1e-3, enough to flip a near-tie greedy choice late in a long
  // completion: f16 reproduces 4 of the 5 golden completions whole, and the fifth ("dragon") for
  // its first 90 tokens; int8 leaves them after 38 to 118 tokens. Both are asserted as measured.
  it("f16: the golden greedy completions, alone with whole-prompt prefill", async () => {
    const same = await goldenPrefixes("f16");
    expect(same.filter((s) => s.equal === s.of).length).toBeGreaterThanOrEqual(4);
    for (const s of same) expect(s.equal).toBeGreaterThanOrEqual(Math.min(s.of, 80));
  });

  it("int8: stays on the golden greedy completions for their first 38 tokens or more", async () => {
    const same = await goldenPrefixes("int8");
    for (const s of same) expect(s.equal).toBeGreaterThanOrEqual(Math.min(s.of, 32));
  });

  /** For each golden prompt: how many leading completion tokens equal the golden ones. */
  async function goldenPrefixes(kvCacheDtype: KvCacheDtype) {
    const results = await goldenRun(kvCacheDtype);
    return goldenCases().map((c, i) => {
      const got = results[i]?.tokens ?? [];
      let equal = 0;
      while (equal < c.completionIds.length && got[equal] === c.completionIds[equal]) equal++;
      console.log(`kv ${kvCacheDtype} golden ${i}: first ${equal} of ${c.completionIds.length} tokens equal`);
      return { equal, of: c.completionIds.length };
    });
  }

  it("the block count planned from kvCacheBytes follows the dtype", async () => {
    const { numLayers, numKvHeads, headDim } = model.config;
    for (const kvCacheDtype of ["f32", "f16", "int8"] as KvCacheDtype[]) {
      const exec = await createWasmExecutor({
        model,
        blockSize: 8,
        kvCacheBytes: 1 << 20,
        maxNumBatchedTokens: 16,
        maxNumSeqs: 2,
        threads: 1,
        kvCacheDtype,
      });
      const plan = planKVCache({ numLayers, numKVHeads: numKvHeads, headDim, kvCacheDtype }, 8, {
        kvCacheBytes: 1 << 20,
      });
      expect(exec.sizes.numBlocks).toBe(plan.numBlocks);
      expect(exec.sizes.kvCacheDtype).toBe(kvCacheDtype);
      await exec.close();
    }
    await expect(
      createWasmExecutor({
        model,
        blockSize: 8,
        numBlocks: 8,
        maxNumBatchedTokens: 16,
        maxNumSeqs: 2,
        kvCacheDtype: "fp8" as KvCacheDtype,
      }),
    ).rejects.toMatchObject({ code: "executor.bad_option" });
  });

  async function goldenRun(kvCacheDtype: KvCacheDtype) {
    const cases = goldenCases();
    const perSeq = Math.ceil(GOLDEN_MAX_TOTAL_TOKENS / 16);
    const exec = await createWasmExecutor({
      model,
      blockSize: 16,
      numBlocks: 1 + perSeq * cases.length,
      maxNumBatchedTokens: 512,
      maxNumSeqs: 8,
      threads: 2,
      kvCacheDtype,
    });
    const out = [];
    for (const [i, c] of cases.entries()) {
      const req = {
        id: `solo${i}`,
        prompt: c.promptIds,
        params: {
          ...greedyParams(GOLDEN_MAX_TOTAL_TOKENS - c.promptIds.length),
          stopTokenIds: [GOLDEN_STOP_TOKEN],
        },
        blockIds: Array.from({ length: perSeq }, (_, b) => 1 + i * perSeq + b),
      };
      out.push((await runToCompletion(exec, [req], 1_000)).get(req.id));
    }
    await exec.close();
    return out;
  }
});
