import { policyNames } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import { resolveModel } from "../sim/model-presets.js";
import { resolveDevice } from "../sim/sim-device.js";
import { simulate } from "./simulate.js";
import { buildTrace } from "./trace.js";

const model = resolveModel("llama-2-7b");
const device = resolveDevice("a100-80gb");
const trace = (seed: number, n = 200) =>
  buildTrace({ numPrompts: n, requestRate: 20, inputLen: 256, outputLen: 64, rangeRatio: 0.5, seed });

const FIELDS = [
  "completed",
  "failed",
  "duration_s",
  "request_throughput",
  "output_throughput",
  "ttft_ms",
  "tpot_ms",
  "itl_ms",
  "e2e_ms",
  "goodput",
];

describe("simulate", () => {
  it("replays exactly from a seed, and another seed gives another run", async () => {
    const a = await simulate({ model, device, requests: trace(7), seed: 7 });
    const b = await simulate({ model, device, requests: trace(7), seed: 7 });
    const c = await simulate({ model, device, requests: trace(8), seed: 8 });
    expect(b.result).toEqual(a.result);
    expect(b.steps).toEqual(a.steps);
    expect(c.result.duration_s).not.toBe(a.result.duration_s);
  });

  it("completes every request with exactly its output length", async () => {
    const requests = trace(3);
    const { result } = await simulate({ model, device, requests });
    expect(result.completed).toBe(200);
    expect(result.failed).toBe(0);
    expect(result.total_output_tokens).toBe(requests.reduce((s, r) => s + r.outputLen, 0));
    expect(result.total_input_tokens).toBe(requests.reduce((s, r) => s + r.inputLen, 0));
    // Arrivals span ≈ 10 s at 20 requests/s; the A100 keeps up, so the run lasts about as long.
    expect(result.duration_s).toBeGreaterThan(requests.at(-1)?.arrivalTime ?? 0);
    expect(result.duration_s).toBeLessThan((requests.at(-1)?.arrivalTime ?? 0) + 5);
  });

  it.each(policyNames())(
    "policy %s: every JSON field, no leaked KV blocks under preemption",
    async (policy) => {
      // 120 blocks of 16 tokens for requests of up to 480 tokens: preemption is certain.
      const requests = buildTrace({
        numPrompts: 60,
        requestRate: Infinity,
        inputLen: 256,
        outputLen: 64,
        rangeRatio: 0.5,
        seed: 1,
      });
      const sim = await simulate({
        model,
        device,
        requests,
        policy,
        numBlocks: 120,
        goodput: { ttft: 1000, tpot: 50 },
      });
      const json = JSON.parse(JSON.stringify(sim.result));
      for (const f of FIELDS) expect(json).toHaveProperty(f);
      for (const f of ["ttft_ms", "tpot_ms", "itl_ms", "e2e_ms"]) {
        expect(Object.keys(json[f])).toEqual(["mean", "p50", "p90", "p99"]);
        expect(json[f].p50).toBeGreaterThan(0);
        expect(json[f].p99).toBeGreaterThanOrEqual(json[f].p50 * 0.98); // sketch error is 1 %
      }
      expect(json.completed).toBe(60);
      expect(json.goodput.fraction).toBeGreaterThanOrEqual(0);
      expect(sim.numLeakedBlocks).toBe(0);
      if (policy === "fcfs") expect(sim.numPreemptions).toBeGreaterThan(0);
    },
  );

  it("counts requests longer than the model's context as failed and runs the rest", async () => {
    const requests = trace(4, 20);
    requests.push({ requestId: "huge", arrivalTime: 0.5, inputLen: 4000, outputLen: 200 });
    const { result } = await simulate({ model, device, requests });
    expect(result.completed).toBe(20);
    expect(result.failed).toBe(1);
  });

  it("jumps idle gaps: two requests an hour apart take an hour, not a step count", async () => {
    const requests = [
      { requestId: "x", arrivalTime: 0, inputLen: 10, outputLen: 4 },
      { requestId: "y", arrivalTime: 3600, inputLen: 10, outputLen: 4 },
    ];
    const { result, steps } = await simulate({ model, device, requests });
    expect(steps).toHaveLength(8);
    expect(result.duration_s).toBeGreaterThan(3600);
    expect(result.duration_s).toBeLessThan(3601);
  });
});
