import { KVCacheManager } from "@pagoda/kv-paging";
import { expect, it } from "vitest";
import { type Executor, greedyParams, Scheduler } from "./index.js";
import { FakeExecutor } from "./testing/fake-executor.js";

// The README's usage example, as it is printed there (the executor is the test's fake).
it("runs the README usage example", async () => {
  const executor: Executor = new FakeExecutor({ numBlocks: 1024, blockSize: 16 });
  const lines: string[] = [];
  const log = (...parts: unknown[]) => lines.push(parts.map(String).join(" "));

  // --- README ---
  const kvCache = new KVCacheManager({ numBlocks: 1024, blockSize: 16 });
  const scheduler = new Scheduler({
    kvCache,
    maxNumBatchedTokens: 2048,
    maxNumSeqs: 64,
    policy: "fcfs",
    eosTokenIds: [0],
  });
  scheduler.addRequest({ requestId: "a", promptTokenIds: [1, 15043, 3186], params: greedyParams(4) });
  scheduler.addRequest({ requestId: "b", promptTokenIds: [1, 15043, 29871, 13], params: greedyParams(2) });

  while (scheduler.hasUnfinished()) {
    const step = scheduler.schedule(); // plain data: it can cross to a worker
    const result = await executor.execute(step);
    for (const out of scheduler.update(step, result)) {
      log(out.requestId, out.newTokenIds.length, out.finishReason ?? "");
    }
  }
  // --- end ---

  expect(lines.filter((l) => l.startsWith("a"))).toEqual(["a 1 ", "a 1 ", "a 1 ", "a 1 length"]);
  expect(lines.filter((l) => l.startsWith("b"))).toEqual(["b 1 ", "b 1 length"]);
  expect(kvCache.stats().numUsedBlocks).toBe(0);
});
