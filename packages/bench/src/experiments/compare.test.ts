import { join } from "node:path";
import { createEngine } from "@pagoda/engine";
import { describe, expect, it } from "vitest";
import { buildTrace } from "../driver/trace.js";
import { compareReport } from "../report/compare-report.js";
import { renderHtml } from "../report/html.js";
import { MEASURED_DEVICE } from "../sim/measured-profile.js";
import { resolveModel } from "../sim/model-presets.js";
import { comparePolicies } from "./compare.js";

const STORIES = join(import.meta.dirname, "../../../../../shared/models/stories260K");

describe("comparePolicies", () => {
  it("runs one workload per policy on the simulator and the real engine, with shared prefixes", async () => {
    const requests = buildTrace({
      numPrompts: 12,
      requestRate: Infinity,
      inputLen: 48,
      outputLen: 16,
      sharedPrefixLen: 32,
      numPrefixGroups: 2,
      seed: 5,
    });
    const runs: string[] = [];
    const r = await comparePolicies({
      policies: ["fcfs", "priority"],
      requests,
      sim: { model: resolveModel("stories260k"), device: MEASURED_DEVICE, maxNumSeqs: 4, numBlocks: 257 },
      engine: (policy) =>
        createEngine({ model: STORIES, device: "cpu", maxNumSeqs: 4, numBlocks: 257, policy }),
      goodput: { ttft: 1000 },
      onRun: (policy, runner) => runs.push(`${policy}/${runner}`),
    });
    expect(runs).toEqual(["fcfs/sim", "fcfs/engine", "priority/sim", "priority/engine"]);
    expect(r.rows.map((x) => [x.policy, x.runner])).toEqual([
      ["fcfs", "sim"],
      ["fcfs", "engine"],
      ["priority", "sim"],
      ["priority", "engine"],
    ]);
    for (const row of r.rows) {
      expect(row.result.completed).toBe(12);
      expect(row.result.total_output_tokens).toBe(12 * 16);
      expect(row.num_leaked_blocks).toBe(0);
      expect(row.prefix_cache_hit_rate).toBeGreaterThan(0);
      expect(row.result.goodput).not.toBeNull();
    }
    // Both runners see the same prompts, so the same prefix hits under the same policy.
    expect(r.rows[0]?.prefix_cache_hit_rate).toBe(r.rows[1]?.prefix_cache_hit_rate);
    expect(r.fidelity.map((f) => f.policy)).toEqual(["fcfs", "priority"]);
    expect(Number.isFinite(r.fidelity[0]?.output_throughput)).toBe(true);

    const report = compareReport(r, "compare", { policies: "fcfs,priority" });
    const html = renderHtml(report, { js: "", css: "" });
    expect(report.tables?.map((t) => t.title)).toEqual([
      "Latency (ms): p50 / p90 / p99",
      "Throughput and goodput",
      "Simulator error against the engine (sim / engine − 1)",
    ]);
    expect(report.charts.map((c) => c.series.length)).toEqual([4, 4, 4]);
    expect(html).toContain("priority (engine)");
  });

  it("serves in another order under another policy on the same trace (simulator only)", async () => {
    const requests = buildTrace({
      numPrompts: 40,
      requestRate: Infinity,
      inputLen: 32,
      outputLen: 24,
      seed: 9,
    });
    const r = await comparePolicies({
      policies: ["fcfs", "sjf"],
      requests: requests.map((q, i) => ({ ...q, inputLen: i % 2 === 0 ? 400 : 8 })),
      sim: { model: resolveModel("stories260k"), device: MEASURED_DEVICE, maxNumSeqs: 2 },
    });
    expect(r.fidelity).toEqual([]);
    const [fcfs, sjf] = r.rows;
    expect(sjf?.result.e2e_ms.p50 ?? 0).toBeLessThan(fcfs?.result.e2e_ms.p50 ?? 0);
  });

  it("needs a policy", async () => {
    const sim = { model: resolveModel("stories260k"), device: MEASURED_DEVICE };
    await expect(comparePolicies({ policies: [], requests: [], sim })).rejects.toThrow("policies must be");
  });
});
