// How fast the simulator replays a trace: 10,000 requests through the real scheduler and KV
// cache on a simulated A100, at several loads. Run: pnpm --filter @pagoda/bench bench
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { buildTrace, formatTable, resolveDevice, resolveModel, simulate } from "../src/index.js";

const model = resolveModel("llama-2-7b");
const device = resolveDevice("a100-80gb");
const runs = [
  {
    label: "rate inf, 512/128",
    requestRate: Number.POSITIVE_INFINITY,
    inputLen: 512,
    outputLen: 128,
    policy: "fcfs",
  },
  { label: "rate 20/s, 512/128", requestRate: 20, inputLen: 512, outputLen: 128, policy: "fcfs" },
  { label: "rate 20/s, 512/128, slo", requestRate: 20, inputLen: 512, outputLen: 128, policy: "slo" },
  {
    label: "rate 6/s, lognormal 384/192",
    requestRate: 6,
    inputLen: 384,
    outputLen: 192,
    policy: "fcfs",
    lognormal: true,
  },
];
const rows = [];
for (const run of runs) {
  const requests = buildTrace({
    numPrompts: 10_000,
    requestRate: run.requestRate,
    inputLen: run.inputLen,
    outputLen: run.outputLen,
    ...(run.lognormal === true && { dataset: "lognormal" as const, maxModelLen: 4096 }),
    seed: 0,
  });
  const t0 = performance.now();
  const sim = await simulate({ model, device, requests, policy: run.policy });
  const wall = (performance.now() - t0) / 1000;
  rows.push({
    ...run,
    wall_s: wall,
    steps: sim.steps.length,
    simulated_s: sim.result.duration_s,
    output_tokens: sim.result.total_output_tokens,
    steps_per_s: sim.steps.length / wall,
  });
  console.error(`${run.label}: ${wall.toFixed(2)} s wall`);
}
const machine = `${cpus().length}-core ${cpus()[0]?.model.trim()}, Node ${process.version}, load ${loadavg()[0]?.toFixed(2)}`;
await writeFile(
  new URL("./results/sim-speed.json", import.meta.url),
  `${JSON.stringify({ machine, rows }, null, 2)}\n`,
);
console.log(machine);
console.log(
  formatTable(
    ["workload (10,000 requests)", "wall s", "steps", "simulated s", "output tokens", "steps/s"],
    rows.map((r) => [r.label, r.wall_s, r.steps, r.simulated_s, r.output_tokens, r.steps_per_s]),
  ),
);
