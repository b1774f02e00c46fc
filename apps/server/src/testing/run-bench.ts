import { isPagodaError } from "@pagoda/errors";
import { Command, CommanderError } from "commander";
import { registerBenchCommands } from "../bench/index.js";

/** What one `pagoda bench …` invocation printed and how it ended. */
export interface BenchRun {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs `pagoda bench <args>` in this process, capturing its output: commander's own errors give
 * their exit code, a typed Pagoda error exits 1 with its one-line message (as `main` prints it).
 */
export async function runBench(args: string[]): Promise<BenchRun> {
  const io = { out: "", err: "" };
  const program = new Command("pagoda")
    .configureOutput({
      writeOut: (t) => {
        io.out += t;
      },
      writeErr: (t) => {
        io.err += t;
      },
    })
    .exitOverride();
  registerBenchCommands(program);
  try {
    await program.parseAsync(["bench", ...args], { from: "user" });
    return { code: 0, ...io };
  } catch (err) {
    if (err instanceof CommanderError) return { code: err.exitCode, ...io };
    if (!isPagodaError(err)) throw err;
    return { code: 1, out: io.out, err: `pagoda: ${err.message}\n` };
  }
}
