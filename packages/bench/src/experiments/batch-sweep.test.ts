import { describe, expect, it } from "vitest";
import { buildTrace } from "../driver/trace.js";
import { resolveModel } from "../sim/model-presets.js";
import { resolveDevice } from "../sim/sim-device.js";
import { batchSweep, powersOfTwo, staticVsContinuous } from "./batch-sweep.js";
import { simRunner } from "./runner.js";

describe("batch experiments on the simulator", () => {
  it("lists batch sizes 1, 2, 4 … up to the limit", () => {
    expect(powersOfTwo(1)).toEqual([1]);
    expect(powersOfTwo(16)).toEqual([1, 2, 4, 8, 16]);
    expect(powersOfTwo(24)).toEqual([1, 2, 4, 8, 16, 24]);
    expect(() => powersOfTwo(0)).toThrow(/max batch size/);
  });

  it("gains throughput with the batch on a memory-bound GPU, and continuous beats static on mixed lengths", async () => {
    const runner = simRunner(resolveModel("llama-2-7b"), resolveDevice("a100-80gb"));
    const requests = buildTrace({
      numPrompts: 64,
      requestRate: Infinity,
      dataset: "lognormal",
      inputLen: 128,
      outputLen: 64,
      maxModelLen: 4096,
      seed: 1,
    });
    const rows = await batchSweep(runner, { requests, policy: "fcfs" }, [1, 8, 32]);
    const [t1 = 0, t8 = 0, t32 = 0] = rows.map((r) => r.result.output_throughput);
    expect(t8).toBeGreaterThan(t1 * 4);
    expect(t32).toBeGreaterThan(t8);
    expect(rows[0]?.mean_batch).toBe(1);
    const svc = await staticVsContinuous(runner, { requests, maxNumSeqs: 32 });
    expect(svc.static.policy).toBe("static");
    expect(svc.static.result.completed).toBe(64);
    expect(svc.throughput_ratio).toBeGreaterThan(1.5);
  });
});
