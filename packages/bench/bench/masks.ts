// Token-mask costs with the Qwen3 vocabulary (151,936 tokens) and 32 constrained requests
// mid-string: computing the masks (xgrammar), applying them on the host (CPU executors), what the
// WebGPU executor uploads, and the engine step with masks computed before the step ("early", as
// CPU executors get them), while the WebGPU forward pass runs ("late"), or no masks at all.
// Run: pnpm --filter @pagoda/bench bench:masks [--rounds 3] [--steps 16] [--devices cpu,webgpu]

import { loadModel } from "@pagoda/model-loaders";
import { Command } from "commander";
import { maskCosts } from "./masks/costs.js";
import { type MaskMode, makeExecutor, type StepTimes, stepMs } from "./masks/steps.js";
import { tinyQwen3 } from "./masks/tiny-qwen3.js";

const opts = new Command("bench:masks")
  .option("--requests <n>", "constrained requests decoding together", "32")
  .option("--rounds <n>", "runs per device and mode (modes alternate within a round)", "3")
  .option("--steps <n>", "decode steps per run", "16")
  .option("--devices <list>", "cpu, webgpu", "cpu,webgpu")
  .parse()
  .opts();
const numRequests = Number(opts.requests);
const rounds = Number(opts.rounds);
const numSteps = Number(opts.steps);

const f = (ms: number) => ms.toFixed(ms < 10 ? 2 : 1);
const { dir, remove } = await tinyQwen3();
try {
  const model = await loadModel(dir);
  const c = await maskCosts(model, numRequests, 20);
  console.log(`| ${numRequests} requests, vocabulary ${model.config.vocabSize} | |`);
  console.log("|---|---|");
  console.log(`| decoder (vocabulary table), once | ${f(c.decoderMs)} ms |`);
  console.log(`| compile the schema, once | ${f(c.compileMs)} ms |`);
  console.log(`| compute the masks, per step | ${f(c.computeMs)} ms |`);
  console.log(`| apply them to the logits on the host (CPU executors), per step | ${f(c.applyMs)} ms |`);
  console.log(
    `| WebGPU upload: packed masks | ${(c.maskBytes / 1024).toFixed(0)} KiB, packed in ${f(c.packMaskMs)} ms |`,
  );
  console.log(
    `| (before: banned-token bias list) | ${(c.biasBytes / 1024).toFixed(0)} KiB, built and packed in ${f(c.packBiasMs)} ms |`,
  );
  for (const device of String(opts.devices).split(",") as ("cpu" | "webgpu")[]) {
    const modes: MaskMode[] = device === "webgpu" ? ["none", "early", "late"] : ["none", "early"];
    const runs = new Map<MaskMode, StepTimes[]>(modes.map((m) => [m, []]));
    const executor = await makeExecutor(model, device, numRequests);
    try {
      await stepMs(model, executor, "none", numRequests, 4); // warm-up: pipelines, caches
      for (let r = 0; r < rounds; r++) {
        for (const mode of modes)
          runs.get(mode)?.push(await stepMs(model, executor, mode, numRequests, numSteps));
      }
    } finally {
      await executor.close();
    }
    const med = (m: MaskMode, k: keyof StepTimes) => {
      const xs = (runs.get(m) ?? []).map((t) => t[k]).sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)] ?? 0;
    };
    for (const mode of modes) {
      const late =
        mode === "late" ? `, masks computed during the forward pass ${f(med(mode, "lateMaskMs"))} ms` : "";
      console.log(
        `| ${device} step, masks ${mode} | ${f(med(mode, "stepMs"))} ms; outside execute ${f(med(mode, "engineMs"))} ms${late} |`,
      );
    }
  }
  await model.close();
} finally {
  await remove();
}
