import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBench as bench } from "../testing/run-bench.js";

const STORIES = join(import.meta.dirname, "../../../../../shared/models/stories260K");

// A policy written outside the repository: newest request first (plain JS, default export a factory).
const NEWEST_FIRST = `
const order = (a, b) => b.arrivalTime - a.arrivalTime || b.seq - a.seq;
export default () => ({
  name: "newest-first",
  compareWaiting: order,
  pickVictim: (candidates) => candidates.reduce((v, c) => (order(c, v) > 0 ? c : v)),
});
`;

describe("pagoda bench compare", () => {
  it("runs built-ins and a .js policy from a temp folder on the simulator and the engine, with one report", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pagoda-compare-"));
    const mine = join(dir, "newest-first.js");
    await writeFile(mine, NEWEST_FIRST);
    const out = join(dir, "compare.html");
    const common = ["--model", STORIES, "--max-num-seqs", "1", "--num-prompts", "10", "--input-len", "24"];
    const { code, out: stdout } = await bench([
      "compare",
      "--policies",
      `fcfs,${mine}`,
      ...common,
      "--output-len",
      "12",
      "--range-ratio",
      "0.8",
      "--shared-prefix-len",
      "16",
      "--goodput",
      "ttft:2000",
      "--json",
      "--out",
      out,
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      rows: Array<{
        policy: string;
        runner: string;
        result: { completed: number; ttft_ms: { mean: number } };
      }>;
      fidelity: Array<{ policy: string }>;
    };
    expect(result.rows.map((r) => `${r.policy}/${r.runner}`)).toEqual([
      "fcfs/sim",
      "fcfs/engine",
      `${mine}/sim`,
      `${mine}/engine`,
    ]);
    for (const r of result.rows) expect(r.result.completed).toBe(10);
    // Newest first serves the burst in reverse: another order, so other first-token times.
    expect(result.rows[2]?.result.ttft_ms.mean).not.toBe(result.rows[0]?.result.ttft_ms.mean);
    expect(result.fidelity.map((f) => f.policy)).toEqual(["fcfs", mine]);
    const html = await readFile(out, "utf8");
    expect(html).toContain("Simulator error against the engine");
    expect(html).toContain("newest-first.js (engine)");
    const json = JSON.parse(await readFile(join(dir, "compare.json"), "utf8"));
    expect(json.data.rows).toHaveLength(4);
  });

  it("reads a trace file and can run the simulator alone", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pagoda-compare-"));
    const trace = join(dir, "trace.jsonl");
    const lines = [0, 0.01, 0.02].map((t, i) =>
      JSON.stringify({ arrival_time: t, input_len: 20, output_len: 8, priority: 2 - i, tenant: `t${i}` }),
    );
    await writeFile(trace, `${lines.join("\n")}\n`);
    const { code, out } = await bench([
      "compare",
      "--policies",
      "fcfs,priority,fair",
      "--model",
      STORIES,
      "--trace",
      trace,
      "--engine",
      "none",
      "--json",
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(out) as { rows: Array<{ runner: string; result: { completed: number } }> };
    expect(result.rows.map((r) => [r.runner, r.result.completed])).toEqual([
      ["sim", 3],
      ["sim", 3],
      ["sim", 3],
    ]);
  });

  it.each([
    [["--policies", "fcfs,lifo"], /--policies must be one of .* got "lifo"/],
    [["--policy-options", "[1]"], /--policy-options must be a JSON object of policy -> options object/],
    [["--trace", "/no/such.jsonl"], /--trace must be a readable JSONL file; got "\/no\/such\.jsonl"/],
  ])("%j is a one-line error", async (args, message) => {
    const r = await bench(["compare", "--engine", "none", "--model", STORIES, ...args]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
  });
});
