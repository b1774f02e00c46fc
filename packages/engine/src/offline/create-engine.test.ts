import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isPagodaError } from "@pagoda/errors";
import { probeWebGpu, type WasmExecutor } from "@pagoda/executor";
import { memoryFiles } from "@pagoda/model-loaders";
import { describe, expect, it } from "vitest";
import { goldenCases, storiesDir } from "../testing/stories.js";
import { createEngine } from "./create-engine.js";

const GOLDEN_STOP = 1; // the reference run stops on BOS

describe("createEngine options", () => {
  it("swaps instead of recomputing when given swap space, and the outputs stay golden", async () => {
    // 20 usable blocks of 8 tokens cannot hold all four requests at full length: some are preempted.
    const llm = await createEngine({
      model: storiesDir(),
      device: "cpu",
      numBlocks: 21,
      blockSize: 8,
      swapSpace: 4 << 20,
    });
    try {
      const cases = goldenCases().slice(1, 5);
      const results = await llm.generate(
        cases.map((c) => c.prompt),
        { temperature: 0, max_tokens: 40, stop_token_ids: [GOLDEN_STOP] },
      );
      results.forEach((r, i) => {
        const got = r.finishReason === "stop" ? r.tokenIds.slice(0, -1) : r.tokenIds;
        expect(got).toEqual(cases[i]?.completionIds.slice(0, got.length));
      });
      const stats = llm.parts.scheduler.stats();
      expect(stats.numSwapPreemptions).toBeGreaterThan(0);
      expect(stats.numRecomputePreemptions).toBe(0);
      expect(stats.kv.numUsedBlocks).toBe(0);
      expect(stats.kv.numUsedHostBlocks).toBe(0);
    } finally {
      await llm.close();
    }
  }, 60_000);

  it("turns prefix caching off", async () => {
    const llm = await createEngine({ model: storiesDir(), device: "cpu", enablePrefixCaching: false });
    try {
      const prompt = goldenCases()[2]?.prompt ?? "";
      await llm.generate([prompt], { temperature: 0, max_tokens: 4 });
      await llm.generate([prompt], { temperature: 0, max_tokens: 4 });
      expect(llm.parts.kvCache.stats().prefixCacheHits).toBe(0);
    } finally {
      await llm.close();
    }
  });

  it("rejects an unknown device with a typed error naming it", async () => {
    const err = await createEngine({ model: storiesDir(), device: "tpu" as never }).catch((e) => e);
    expect(isPagodaError(err) && err.code).toBe("engine.bad_option");
    expect(String(err.message)).toContain('"tpu"');
  });

  it("sizes the KV cache by kvCacheDtype (auto: f32 on the reference executor) and rejects unknown ones", async () => {
    const parts = [];
    for (const kvCacheDtype of ["auto", "f16", "int8"] as const) {
      const llm = await createEngine({
        model: storiesDir(),
        device: "reference",
        kvCacheMemory: 1 << 20,
        blockSize: 8,
        kvCacheDtype,
      });
      parts.push(llm.parts);
      await llm.close();
    }
    expect(parts.map((p) => p.kvCacheDtype)).toEqual(["f32", "f16", "int8"]);
    // stories260K: 5 layers × 4 kv heads × headDim 8: rows of 32 / 16 / 12 bytes.
    expect(parts.map((p) => p.kvCache.devicePool.numBlocks)).toEqual([
      Math.floor((1 << 20) / (8 * 2 * 5 * 4 * 32)),
      Math.floor((1 << 20) / (8 * 2 * 5 * 4 * 16)),
      Math.floor((1 << 20) / (8 * 2 * 5 * 4 * 12)),
    ]);
    expect(parts[2]?.kvCacheBytes).toBe((parts[2]?.kvCache.devicePool.numBlocks ?? 0) * 8 * 2 * 5 * 4 * 12);
    const err = await createEngine({
      model: storiesDir(),
      device: "cpu",
      kvCacheDtype: "fp8" as never,
    }).catch((e) => e);
    expect(isPagodaError(err) && err.code).toBe("engine.bad_option");
    expect(String(err.message)).toContain("fp8");
  });

  it("rejects a negative swap space with a typed error", async () => {
    const err = await createEngine({ model: storiesDir(), device: "cpu", swapSpace: -1 }).catch((e) => e);
    expect(isPagodaError(err) && err.code).toBe("engine.bad_option");
  });

  it("takes the model as files in memory (how a browser passes fetched files), with golden output", async () => {
    const dir = storiesDir();
    const files = memoryFiles(
      "mem:stories260K",
      Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))])),
    );
    const llm = await createEngine({ model: files, device: "cpu" });
    try {
      const c = goldenCases()[1];
      const [r] = await llm.generate([c?.prompt ?? ""], { temperature: 0, max_tokens: 30 });
      expect(r?.tokenIds).toEqual(c?.completionIds.slice(0, 30));
    } finally {
      await llm.close();
    }
  });

  it("builds the executor the device names: cpu (WebAssembly, --threads), reference, auto", async () => {
    const prompt = goldenCases()[1]?.prompt ?? "";
    const want = goldenCases()[1]?.completionIds.slice(0, 12);
    const probe = await probeWebGpu();
    for (const [device, threads, resolved] of [
      ["cpu", 1, "cpu"],
      ["reference", undefined, "reference"],
      ["auto", undefined, probe.kind === "hardware" ? "webgpu" : "cpu"],
    ] as const) {
      const llm = await createEngine({
        model: storiesDir(),
        device,
        ...(threads !== undefined && { threads }),
      });
      try {
        expect(llm.parts.device, device).toBe(resolved);
        if (threads !== undefined) expect((llm.parts.executor as WasmExecutor).threads).toBe(threads);
        const [r] = await llm.generate([prompt], { temperature: 0, max_tokens: 12 });
        expect(r?.tokenIds, device).toEqual(want);
      } finally {
        await llm.close();
      }
    }
  }, 60_000);
});
