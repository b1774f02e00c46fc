// Batch size against throughput and latency, and static against continuous batching on one
// mixed-length (log-normal) workload at one batch limit: simulated Llama-2-7B on an A100,
// simulated stories260K on the `measured` profile, the real stories260K CPU engine and, with
// WEBGPU=1, the real stories260K WebGPU engine (on whatever adapter Dawn finds).
// Writes results/batch.json and docs/batch-throughput.svg. Run: pnpm --filter @pagoda/bench bench:batch

import { writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import {
  type BatchRow,
  batchSweep,
  buildTrace,
  engineRunner,
  formatTable,
  MEASURED_DEVICE,
  powersOfTwo,
  type Runner,
  renderSvg,
  resolveDevice,
  resolveModel,
  simRunner,
  staticVsContinuous,
} from "../src/index.js";

const MODEL =
  process.env.PAGODA_MODEL ??
  fileURLToPath(new URL("../../../../shared/models/stories260K", import.meta.url));
const log = (row: BatchRow) =>
  console.error(
    `  batch ${row.max_num_seqs} ${row.policy}: ${row.result.output_throughput.toFixed(1)} tok/s`,
  );

const gpuTrace = buildTrace({
  numPrompts: 512,
  requestRate: Infinity,
  dataset: "lognormal",
  inputLen: 384,
  outputLen: 192,
  maxModelLen: 4096,
  seed: 5,
});
const cpuTrace = buildTrace({
  numPrompts: 64,
  requestRate: Infinity,
  dataset: "lognormal",
  inputLen: 32,
  outputLen: 64,
  maxModelLen: 512,
  seed: 5,
});

async function experiment(name: string, runner: Runner, trace: typeof gpuTrace, max: number) {
  console.error(name);
  const sweep = await batchSweep(runner, { requests: trace, policy: "fcfs" }, powersOfTwo(max), log);
  const svc = await staticVsContinuous(runner, { requests: trace, maxNumSeqs: max });
  console.error(
    `  static ${svc.static.result.output_throughput.toFixed(1)}, continuous ${svc.continuous.result.output_throughput.toFixed(1)} tok/s: ${svc.throughput_ratio.toFixed(2)}×`,
  );
  return { name, max_batch: max, sweep, static_vs_continuous: svc };
}

const load0 = loadavg()[0];
const gpu = await experiment(
  "simulated llama-2-7b, A100-80GB",
  simRunner(resolveModel("llama-2-7b"), resolveDevice("a100-80gb")),
  gpuTrace,
  256,
);
const sim = await experiment(
  "simulated stories260k, measured profile",
  simRunner(resolveModel("stories260k"), MEASURED_DEVICE, { maxNumBatchedTokens: 1024 }),
  cpuTrace,
  32,
);
const real = process.env.SKIP_REAL
  ? null
  : await experiment("real stories260K, CPU engine", engineRunner(MODEL, "cpu"), cpuTrace, 32);
const webgpu =
  process.env.WEBGPU === "1"
    ? await experiment("real stories260K, WebGPU engine", engineRunner(MODEL, "webgpu"), cpuTrace, 32)
    : null;
if (webgpu === null) console.error("WebGPU experiment not run (set WEBGPU=1 where an adapter exists)");
const all = [gpu, sim, ...[real, webgpu].filter((e) => e !== null)];
const out = { load_average_start: load0, load_average_end: loadavg()[0], experiments: all };
await writeFile(new URL("./results/batch.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);

for (const e of all) {
  console.log(`\n${e.name}`);
  const rows = [...e.sweep, e.static_vs_continuous.static];
  console.log(
    formatTable(
      ["batch", "policy", "mean batch", "step ms", "out tok/s", "TTFT p50 ms", "TPOT p50 ms", "E2E p99 ms"],
      rows.map((r) => [
        r.max_num_seqs,
        r.policy,
        r.mean_batch,
        r.mean_step_ms,
        r.result.output_throughput,
        r.result.ttft_ms.p50 ?? Number.NaN,
        r.result.tpot_ms.p50 ?? Number.NaN,
        r.result.e2e_ms.p99 ?? Number.NaN,
      ]),
    ),
  );
  console.log(
    `continuous / static at batch ${e.max_batch}: ${e.static_vs_continuous.throughput_ratio.toFixed(2)}×`,
  );
}

// The key chart: throughput relative to batch 1, so a GPU and a CPU fit one axis.
const sizes = powersOfTwo(256);
const rel = (rows: BatchRow[]) => {
  const base = rows[0]?.result.output_throughput ?? 1;
  return sizes.map((b) => {
    const r = rows.find((x) => x.max_num_seqs === b);
    return r === undefined ? null : Number((r.result.output_throughput / base).toFixed(3));
  });
};
const svg = renderSvg({
  title: "Output throughput against batch size (relative to batch 1)",
  xLabel: "max batch size (sequences)",
  yLabel: "throughput ÷ throughput at batch 1",
  x: sizes,
  logX: true,
  series: all.map((e) => ({
    label: e.name.replace(/, (CPU|WebGPU) engine/, " $1").replace("simulated ", "sim "),
    values: rel(e.sweep),
  })),
});
await writeFile(new URL("../docs/batch-throughput.svg", import.meta.url), svg);
