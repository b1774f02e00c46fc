import { CpuExecutor } from "@pagoda/executor";
import { KVCacheManager } from "@pagoda/kv-paging";
import { type FinishedRequest, MetricsRecorder } from "@pagoda/metrics";
import { Scheduler } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { stories } from "../testing/stories.js";
import { LLMEngine } from "./llm-engine.js";

describe("per-request records to @pagoda/metrics", () => {
  it("carries each request's n, prompt length and all of its samples' tokens to the finished record", async () => {
    const { model, weights } = await stories();
    const numBlocks = 64;
    const blockSize = 4;
    const kvCache = new KVCacheManager({ numBlocks, blockSize });
    const eosTokenIds = model.generationConfig.eosTokenIds;
    const scheduler = new Scheduler({ kvCache, maxNumSeqs: 8, maxNumBatchedTokens: 64, eosTokenIds });
    const metrics = new MetricsRecorder();
    const finished: FinishedRequest[] = [];
    metrics.addSink({ requestFinished: (r) => finished.push(r) });
    const engine = new LLMEngine({
      scheduler,
      executor: new CpuExecutor(model.config, weights, { numBlocks, blockSize }),
      tokenizer: model.tokenizer,
      eosTokenIds,
      maxModelLen: (numBlocks - 1) * blockSize,
      metrics,
    });
    const common = { temperature: 0, max_tokens: 6, ignore_eos: true };
    engine.addRequest("four", "Once upon a time", { ...common, n: 4 });
    engine.addRequest("one", "Tom and Lily", common);
    while (engine.hasUnfinished()) await engine.step();
    const byId = new Map(finished.map((r) => [r.requestId, r]));
    expect(byId.get("four")).toMatchObject({ n: 4, numGenerationTokens: 24, reason: "length" });
    expect(byId.get("one")).toMatchObject({ n: 1, numGenerationTokens: 6, reason: "length" });
    const prompt = model.tokenizer.encode("Once upon a time");
    expect(byId.get("four")?.numPromptTokens).toBe(prompt.length);
  });
});
