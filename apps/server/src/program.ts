import { Command, CommanderError } from "commander";
import { registerGenerate } from "./generate/generate-command.js";

/** Raised by a command that is part of the CLI's plan but not built yet. */
export class NotBuiltYetError extends Error {
  constructor(what: string, issue: number) {
    super(`'pagoda ${what}' is not built yet (tracked as issue ${issue}).`);
    this.name = "NotBuiltYetError";
  }
}

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

  program
    .command("serve")
    .description("start the OpenAI-compatible server (not built yet: issue 10)")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotBuiltYetError("serve", 10);
    });
  registerGenerate(program, io);
  program
    .command("bench")
    .description("serving benchmarks and the simulator (not built yet: issue 11)")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotBuiltYetError("bench", 11);
    });
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
