// Decode throughput on stories260K: 1, 8, 32, 64 and 128 sequences decoding together, on the CPU
// reference executor and on the WebGPU executor, with the WebGPU step split into host
// preparation, GPU time and read-back (measured in a second, profiled pass).
//
//   pnpm --filter @pagoda/executor bench [-- --json] [--seqs 1,64] [--steps 64] [--no-cpu] [--poll]
//     [--model <dir | file.gguf>] [--quantization Q8_0|Q4_0|Q4_K|Q6_K]
//
// `--model` runs another checkpoint (a quantized GGUF runs on its packed blocks; the prompts
// are stories260K token ids, valid in any larger vocabulary). `--quantization` quantizes every
// matrix whose rows are whole blocks of that format in memory first (the rest stay F32), so the
// WebGPU executor runs the quantized kernels.
//
// `--poll` lets Dawn poll for each step's results instead of sleeping through most of the wait
// (the executor's default on a software adapter, see src/webgpu/gpu-wait.ts). The machine's load
// average is printed with the results: other processes on the same cores slow everything.
import { cpus, loadavg } from "node:os";
import { requestDevice } from "@pagoda/kernels-wgsl";
import { fitsBlocks, isQuantType, loadModelWeights, type ModelWeights } from "@pagoda/model-loaders";
import { CpuExecutor } from "../src/cpu/cpu-executor.js";
import type { LayerTensor } from "../src/model/plan.js";
import { readWeightsF32 } from "../src/model/read-weights.js";
import { goldenCases, stories260KDir } from "../src/testing/golden.js";
import { quantizeWeights } from "../src/testing/quantized-weights.js";
import { createWebGpuExecutor } from "../src/webgpu/create-webgpu-executor.js";
import type { StepTimings } from "../src/webgpu/webgpu-executor.js";
import { blocksFor, type DecodePlan, runDecode } from "./decode-run.js";

interface Row {
  executor: "cpu" | "webgpu";
  seqs: number;
  steps: number;
  tokensPerSecond: number;
  msPerStep: number;
  split?: StepTimings;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const seqList = (option("--seqs") ?? "1,8,32,64,128").split(",").map(Number);
const gpuSteps = Number(option("--steps") ?? 64);
const blockSize = 16;
const loaded = await loadModelWeights(option("--model") ?? stories260KDir());
const model = { config: loaded.config, weights: quantized(loaded.weights, option("--quantization")) };
const cpuWeights = await readWeightsF32(model.weights);
const prompts = goldenCases().map((c) => c.promptIds);
const gpu = await requestDevice();
const rows: Row[] = [];

for (const seqs of seqList) {
  const plan: DecodePlan = { seqs, warmup: 4, steps: gpuSteps, blockSize, prompts };
  const sizes = { blockSize, numBlocks: blocksFor(plan), maxNumBatchedTokens: 16 * seqs, maxNumSeqs: seqs };
  const sleepWhileWaiting = !process.argv.includes("--poll");
  const exec = await createWebGpuExecutor({ model, gpu, ...sizes, weightDtype: "f32", sleepWhileWaiting });
  const seconds = await runDecode(exec, plan);
  // A second pass with profiling on: GPU and read-back are told apart at the cost of one more wait.
  exec.profile = true;
  const sum: StepTimings = { prepareMs: 0, gpuMs: 0, readbackMs: 0, outputMs: 0 };
  const profiled = { ...plan, steps: Math.min(32, gpuSteps) };
  // The profiled pass starts new requests (same ids, same blocks) on the same executor.
  await runDecode(exec, profiled, () => {
    for (const k of Object.keys(sum) as (keyof StepTimings)[])
      sum[k] += exec.lastStepTimings[k] / profiled.steps;
  });
  await exec.close();
  rows.push({
    executor: "webgpu",
    seqs,
    steps: plan.steps,
    tokensPerSecond: (seqs * plan.steps) / seconds,
    msPerStep: (1000 * seconds) / plan.steps,
    split: sum,
  });

  if (!process.argv.includes("--no-cpu")) {
    const cpuPlan: DecodePlan = {
      ...plan,
      warmup: 1,
      steps: Math.max(4, Math.min(32, Math.floor(256 / seqs))),
    };
    const cpu = new CpuExecutor(model.config, cpuWeights, { blockSize, numBlocks: blocksFor(cpuPlan) });
    const s = await runDecode(cpu, cpuPlan);
    rows.push({
      executor: "cpu",
      seqs,
      steps: cpuPlan.steps,
      tokensPerSecond: (seqs * cpuPlan.steps) / s,
      msPerStep: (1000 * s) / cpuPlan.steps,
    });
  }
  report(...rows.filter((r) => r.seqs === seqs));
}
await loaded.close();

// Every matrix whose rows are whole blocks of `type`, quantized in memory; the rest as stored.
function quantized(weights: ModelWeights, type: string | undefined): ModelWeights {
  if (type === undefined) return weights;
  if (!isQuantType(type)) throw new Error(`--quantization: ${type} is not Q8_0, Q4_0, Q4_K or Q6_K`);
  const fits = (h: { shape: readonly number[] }) => fitsBlocks(type, h.shape.at(-1) as number);
  const matrices: LayerTensor[] = ["q", "k", "v", "o", "gate", "up", "down"];
  const recipe = {
    ...(fits(weights.embedTokens) && { embedTokens: type, lmHead: type }),
    layer: (i: number) => {
      const layer = weights.layers[i];
      return Object.fromEntries(matrices.filter((t) => layer?.[t] && fits(layer[t])).map((t) => [t, type]));
    },
  };
  const out = quantizeWeights(weights, recipe);
  const count = out.layers.flatMap((l) => matrices.map((t) => l[t])).filter((h) => h && isQuantType(h.dtype));
  console.log(
    `--quantization ${type}: ${count.length} of ${weights.layers.length * 7} layer matrices quantized`,
  );
  return out;
}

function report(...latest: Array<Row | undefined>): void {
  if (process.argv.includes("--json")) return;
  for (const r of latest) {
    if (!r) continue;
    const split = r.split
      ? ` | prepare ${r.split.prepareMs.toFixed(2)} ms, GPU ${r.split.gpuMs.toFixed(2)} ms, read-back ${r.split.readbackMs.toFixed(2)} ms`
      : "";
    console.log(
      `${r.executor.padEnd(6)} ${String(r.seqs).padStart(4)} seqs: ${r.tokensPerSecond.toFixed(0).padStart(7)} tok/s, ${r.msPerStep.toFixed(2)} ms/step${split}`,
    );
  }
}

if (process.argv.includes("--json")) console.log(JSON.stringify({ machine: machine(), rows }, null, 2));
else console.log(`\n${machine()}`);

function machine(): string {
  const cpu = cpus();
  const { vendor, architecture, description } = gpu.adapterInfo;
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  return `${cpu.length} × ${cpu[0]?.model ?? "cpu"}, Node ${process.version}, adapter ${vendor} ${architecture} ${description}, load average ${load}`;
}
