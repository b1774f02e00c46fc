// Where one decode step's GPU time goes, dispatch by dispatch: stories260K decoding N sequences
// (default 64) on the WebGPU executor; one step's dispatches are captured as the executor records
// them, then each is replayed alone, 20 times in one submit, and timed. Replays run warm and one
// at a time, so the sum is near, not equal to, the step's real GPU time.
//
//   pnpm --filter @pagoda/executor bench:dispatches [-- 64]
import { KernelContext, requestDevice } from "@pagoda/kernels-wgsl";
import { loadModelWeights } from "@pagoda/model-loaders";
import { goldenCases, stories260KDir } from "../src/testing/golden.js";
import { createWebGpuExecutor } from "../src/webgpu/create-webgpu-executor.js";
import { blocksFor, type DecodePlan, runDecode } from "./decode-run.js";

type Dispatch = KernelContext["dispatch"];
type Captured = Parameters<Dispatch>;

// The executor's context is internal: wrapping the prototype's dispatch sees every call it makes.
const original: Dispatch = KernelContext.prototype.dispatch;
let capturing: Captured[] | null = null;
let context: KernelContext | null = null;
KernelContext.prototype.dispatch = function (this: KernelContext, ...args: Captured) {
  context = this;
  const [pass, pipeline, uniforms, resources, groups] = args;
  capturing?.push([pass, pipeline, new Uint8Array(uniforms), [...resources], groups]);
  original.apply(this, args);
};

const seqs = Number(process.argv[2] ?? 64);
const REPS = 20;
const model = await loadModelWeights(stories260KDir());
const gpu = await requestDevice();
const prompts = goldenCases().map((c) => c.promptIds);
const plan: DecodePlan = { seqs, warmup: 4, steps: 3, blockSize: 16, prompts };
const exec = await createWebGpuExecutor({
  model,
  gpu,
  blockSize: 16,
  numBlocks: blocksFor(plan),
  maxNumBatchedTokens: 16 * seqs,
  maxNumSeqs: seqs,
  weightDtype: "f32",
});
let step: Captured[] = [];
let timedSteps = 0;
await runDecode(exec, plan, () => {
  // Each call comes after a whole step: capture exactly the second timed step.
  timedSteps++;
  if (timedSteps === 1) capturing = [];
  else if (capturing !== null) {
    step = capturing;
    capturing = null;
  }
});
const ctx = context as KernelContext | null;
if (ctx === null || step.length === 0) throw new Error("no dispatch was captured");

const byKernel = new Map<string, { ms: number; count: number }>();
let totalMs = 0;
for (const [, pipeline, uniforms, resources, groups] of step) {
  await gpu.device.queue.onSubmittedWorkDone();
  const start = performance.now();
  ctx.submit((pass) => {
    for (let r = 0; r < REPS; r++) original.call(ctx, pass, pipeline, uniforms, resources, groups);
  });
  await gpu.device.queue.onSubmittedWorkDone();
  const ms = (performance.now() - start) / REPS;
  totalMs += ms;
  const key = `${pipeline.label} [${[...groups].join(", ")}]`;
  const entry = byKernel.get(key) ?? { ms: 0, count: 0 };
  byKernel.set(key, { ms: entry.ms + ms, count: entry.count + 1 });
}
await exec.close();
console.log(`${seqs} sequences: ${step.length} dispatches, ${totalMs.toFixed(2)} ms replayed`);
for (const [key, { ms, count }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(`${ms.toFixed(2).padStart(7)} ms  ${String(count).padStart(2)}×  ${key}`);
}
