import type { Command } from "commander";
import { registerBatch } from "./batch-command.js";
import { registerCompare } from "./compare-command.js";
import { registerServe } from "./serve-command.js";
import { registerSim } from "./sim-command.js";
import { registerSweep } from "./sweep-command.js";

/**
 * Registers `pagoda bench` and its subcommands (sim, batch, serve, sweep, compare) on `program`. Output
 * goes through the program's configured `writeOut`, so tests capture it like any other command.
 */
export function registerBenchCommands(program: Command): void {
  const output = program.configureOutput();
  const write = (text: string) => (output.writeOut ?? ((t: string) => process.stdout.write(t)))(text);
  const bench = program.command("bench").description("serving benchmarks and the scheduling simulator");
  registerSim(bench, write);
  registerBatch(bench, write);
  registerServe(bench, write);
  registerSweep(bench, write);
  registerCompare(bench, write);
}
