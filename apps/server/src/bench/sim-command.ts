import {
  formatResult,
  latencyCdfChart,
  type SimulationResult,
  simulate,
  timelineChart,
  writeReport,
} from "@pagoda/bench";
import type { Command } from "commander";
import { progressBar } from "./progress.js";
import { addSimFlags, readSimSetup, type SimFlags } from "./sim-flags.js";
import { addWorkloadFlags, readGoodput, readTrace, type WorkloadFlags } from "./workload-flags.js";

/** Registers `pagoda bench sim`: the real scheduler on a simulated device, in virtual time. */
export function registerSim(bench: Command, write: (text: string) => void): void {
  const cmd = addSimFlags(
    bench
      .command("sim")
      .description(
        "simulate a serving workload: the real scheduler and KV cache on a roofline-modelled device",
      ),
  );
  addWorkloadFlags(cmd, { numPrompts: 1000, inputLen: 512, outputLen: 128 }).action(
    async (flags: SimFlags & WorkloadFlags) => {
      const { model, device, base } = await readSimSetup(flags);
      const goodput = readGoodput(flags);
      const requests = readTrace(flags, model.maxModelLen);
      const bar = progressBar("sim", requests.length);
      let sim: SimulationResult;
      const started = performance.now();
      try {
        sim = await simulate({
          ...base,
          requests,
          ...(goodput !== undefined && { goodput }),
          onProgress: bar.update,
        });
      } finally {
        bar.done();
      }
      const json = {
        ...sim.result,
        model: model.name,
        device: device.name,
        policy: base.policy,
        num_steps: sim.steps.length,
        num_preemptions: sim.numPreemptions,
        kv_blocks: sim.numBlocks,
        wall_s: (performance.now() - started) / 1000,
      };
      const title = `Simulation: ${model.name} on ${device.name}, ${base.policy}`;
      write(flags.json ? `${JSON.stringify(json)}\n` : formatResult(sim.result, title));
      if (flags.out !== undefined) {
        const paths = await writeReport(flags.out, {
          title: `pagoda bench sim: ${model.name} on ${device.name}, policy ${base.policy}`,
          config: { ...flags, model: model.name, device: device.name, device_source: device.source },
          data: json,
          charts: [timelineChart(sim.steps), latencyCdfChart(sim.collector.requests())],
        });
        process.stderr.write(`report: ${paths.html} (JSON: ${paths.json})\n`);
      }
    },
  );
}
