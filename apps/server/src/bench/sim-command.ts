import {
  formatResult,
  latencyCdfChart,
  resolveDevice,
  type SimulationResult,
  simDeviceNames,
  simulate,
  timelineChart,
  writeReport,
} from "@pagoda/bench";
import type { Command } from "commander";
import { intFlag } from "./flags.js";
import { loadSimModel } from "./model-config.js";
import { progressBar } from "./progress.js";
import { addWorkloadFlags, readGoodput, readTrace, type WorkloadFlags } from "./workload-flags.js";

interface SimFlags extends WorkloadFlags {
  modelConfig: string;
  device: string;
  policy: string;
  maxNumSeqs: string;
  maxNumBatchedTokens: string;
  blockSize: string;
}

/** Registers `pagoda bench sim`: the real scheduler on a simulated device, in virtual time. */
export function registerSim(bench: Command, write: (text: string) => void): void {
  const cmd = bench
    .command("sim")
    .description("simulate a serving workload: the real scheduler and KV cache on a roofline-modelled device")
    .option(
      "--model-config <name|path>",
      "model preset (llama-2-7b, llama-2-13b, qwen3-0.6b, stories260k) or config.json",
      "llama-2-7b",
    )
    .option("--device <name>", `${[...simDeviceNames(), "measured"].join(" | ")}`, "a100-80gb")
    .option("--policy <name>", "scheduling policy", "fcfs")
    .option("--max-num-seqs <n>", "batch limit (sequences per step)", "256")
    .option("--max-num-batched-tokens <n>", "token budget per step", "8192")
    .option("--block-size <n>", "tokens per KV block", "16");
  addWorkloadFlags(cmd, { numPrompts: 1000, inputLen: 512, outputLen: 128 }).action(
    async (flags: SimFlags) => {
      const model = await loadSimModel(flags.modelConfig);
      const device = resolveDevice(flags.device);
      const policy = flags.policy;
      const goodput = readGoodput(flags);
      const requests = readTrace(flags, model.maxModelLen);
      const bar = progressBar("sim", requests.length);
      let sim: SimulationResult;
      const started = performance.now();
      try {
        sim = await simulate({
          model,
          device,
          requests,
          policy,
          maxNumSeqs: intFlag("max-num-seqs", flags.maxNumSeqs, 1),
          maxNumBatchedTokens: intFlag("max-num-batched-tokens", flags.maxNumBatchedTokens, 1),
          blockSize: intFlag("block-size", flags.blockSize, 1),
          seed: intFlag("seed", flags.seed),
          ...(goodput !== undefined && { goodput }),
          onProgress: bar.update,
        });
      } finally {
        bar.done();
      }
      const wall = (performance.now() - started) / 1000;
      const json = {
        ...sim.result,
        model: model.name,
        device: device.name,
        policy,
        num_steps: sim.steps.length,
        num_preemptions: sim.numPreemptions,
        kv_blocks: sim.numBlocks,
        wall_s: wall,
      };
      write(
        flags.json
          ? `${JSON.stringify(json)}\n`
          : formatResult(sim.result, `Simulation: ${model.name} on ${device.name}, ${policy}`),
      );
      if (flags.out !== undefined) {
        const paths = await writeReport(flags.out, {
          title: `pagoda bench sim: ${model.name} on ${device.name}, policy ${policy}`,
          config: { ...flags, model: model.name, device: device.name, device_source: device.source },
          data: json,
          charts: [timelineChart(sim.steps), latencyCdfChart(sim.collector.requests())],
        });
        process.stderr.write(`report: ${paths.html} (JSON: ${paths.json})\n`);
      }
    },
  );
}
