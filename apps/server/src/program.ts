import { Command, CommanderError } from "commander";
import { registerBenchCommands } from "./bench/index.js";
import { registerGenerate } from "./generate/generate-command.js";
import { registerQuantize } from "./quantize/quantize-command.js";
import { registerServe } from "./serve/serve-command.js";

/** Where the CLI writes: stdout and stderr in production, strings in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** Builds the `pagoda` program; commands register here and write through `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("pagoda")
    .description("Pagoda: a TypeScript LLM inference engine with an OpenAI-compatible server")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError();

  registerServe(program, io);
  registerGenerate(program, io);
  registerBenchCommands(program);
  registerQuantize(program, io);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const verbose = argv.includes("--verbose");
    io.err(
      `pagoda: ${verbose && err instanceof Error ? err.stack : err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
}
