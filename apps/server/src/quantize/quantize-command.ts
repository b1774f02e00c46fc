import { isQuantScheme, QUANT_SCHEMES, type QuantScheme } from "@pagoda/model-loaders";
import { resolveModel, writeGguf } from "@pagoda/model-loaders/node";
import type { Command } from "commander";
import { CliUsageError } from "../generate/errors.js";
import type { CliIo } from "../program.js";

/** `--type`'s help text. */
const TYPE_HELP =
  "q8_0 | q4_0 | q4_k (Q4_K with the LM head at Q6_K, like llama.cpp's Q4_K_M); rows that fit no block stay F16";

/** Checks `--type`. */
export function parseQuantType(value: string): QuantScheme {
  if (!isQuantScheme(value)) {
    throw new CliUsageError("cli.bad_argument", `--type must be ${QUANT_SCHEMES.join(", ")}; got "${value}"`);
  }
  return value;
}

/** Registers `pagoda quantize IN OUT.gguf --type …`: a Hugging Face model to a quantized GGUF file. */
export function registerQuantize(program: Command, io: CliIo): void {
  program
    .command("quantize")
    .description(
      "write a model folder (or Hugging Face id) as a quantized GGUF file llama.cpp and Pagoda load",
    )
    .argument("<in>", "model folder or Hugging Face id")
    .argument("<out>", "the GGUF file to write")
    .requiredOption("--type <type>", TYPE_HELP)
    .option("--verbose", "print stack traces on errors")
    .action(async (input: string, out: string, flags: { type: string }) => {
      const type = parseQuantType(flags.type);
      const started = performance.now();
      const dir = await resolveModel(input);
      const result = await writeGguf(dir, out, { type });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const mib = (result.bytes / 2 ** 20).toFixed(1);
      io.out(`wrote ${out}: ${type}, ${result.numTensors} tensors, ${mib} MiB in ${seconds} s\n`);
    });
}
