import { describeGpu } from "@pagoda/vitest-config/gpu";
import { expect, it } from "vitest";
import { goldenCases, storiesDir } from "../../testing/stories.js";
import { spawnWorkerEngine } from "./spawn.js";

describeGpu("spawnWorkerEngine on WebGPU", () => {
  it("runs the WebGPU executor inside the worker thread and streams the golden greedy output", async () => {
    const engine = await spawnWorkerEngine({ model: storiesDir(), device: "webgpu", kvCacheMemory: 4 << 20 });
    try {
      expect(engine.info.device).toBe("webgpu");
      const c = goldenCases()[1];
      const ids: number[] = [];
      const stream = await engine.submit({
        prompt: c?.prompt ?? "",
        params: { temperature: 0, max_tokens: 40 },
      });
      for await (const o of stream) ids.push(...o.tokenIds);
      expect(ids).toEqual(c?.completionIds.slice(0, 40));
      expect(engine.stats().kv.numUsedBlocks).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
