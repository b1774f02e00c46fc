import {
  EngineError,
  MAX_NGRAM,
  MAX_SPECULATIVE_TOKENS,
  resolveSpeculativeConfig,
  type SpeculativeConfig,
} from "@pagoda/engine";
import type { Command } from "commander";
import { CliUsageError } from "./generate/errors.js";

/** The speculative decoding flags as commander hands them over. */
export interface SpeculativeFlags {
  speculative?: string;
  speculativeModel?: string;
  numSpeculativeTokens?: string;
  ngramMin?: string;
  ngramMax?: string;
}

/** Registers `--speculative`, `--speculative-model`, `--num-speculative-tokens`, `--ngram-min/max` on `cmd`. */
export function addSpeculativeOptions(cmd: Command): Command {
  return cmd
    .option(
      "--speculative <method>",
      "speculative decoding: ngram (prompt lookup) | draft (with --speculative-model); default off",
    )
    .option(
      "--speculative-model <dir|hf_id>",
      "draft model for speculative decoding (same tokenizer as --model; implies --speculative draft)",
    )
    .option(
      "--num-speculative-tokens <k>",
      `drafts per request per step, 1 to ${MAX_SPECULATIVE_TOKENS} (needed with speculative decoding)`,
    )
    .option(
      "--ngram-min <n>",
      `--speculative ngram: shortest n-gram looked up, 1 to ${MAX_NGRAM} (default 2)`,
    )
    .option("--ngram-max <n>", "--speculative ngram: longest n-gram looked up, tried first (default 4)");
}

const FLAG_OF: Record<string, string> = {
  "speculative.numSpeculativeTokens": "--num-speculative-tokens",
  "speculative.ngramMin": "--ngram-min",
  "speculative.ngramMax": "--ngram-max",
  "speculative.model": "--speculative-model",
  "speculative.method": "--speculative",
};

/**
 * Checks the speculative flags: `createEngine`'s `speculative` option, or undefined when off.
 * A bad combination (n-gram sizes without `ngram`, a draft model with `ngram`, a count without a
 * method) or value is a `cli.bad_argument` naming the flag.
 */
export function parseSpeculativeFlags(flags: SpeculativeFlags): SpeculativeConfig | undefined {
  const method = flags.speculative ?? (flags.speculativeModel !== undefined ? "draft" : undefined);
  if (method === undefined) {
    for (const [flag, value] of [
      ["--num-speculative-tokens", flags.numSpeculativeTokens],
      ["--ngram-min", flags.ngramMin],
      ["--ngram-max", flags.ngramMax],
    ] as const) {
      if (value !== undefined) usage(`${flag} needs --speculative ngram or --speculative-model DIR`, flag);
    }
    return undefined;
  }
  if (method !== "ngram" && method !== "draft")
    usage(`--speculative must be ngram or draft; got "${method}"`, "--speculative");
  if (flags.numSpeculativeTokens === undefined) {
    usage(
      `speculative decoding needs --num-speculative-tokens K (1 to ${MAX_SPECULATIVE_TOKENS})`,
      "--num-speculative-tokens",
    );
  }
  const k = integer("--num-speculative-tokens", flags.numSpeculativeTokens);
  let config: SpeculativeConfig;
  if (method === "ngram") {
    if (flags.speculativeModel !== undefined) {
      usage(
        "--speculative-model drafts with a model: it cannot go with --speculative ngram",
        "--speculative-model",
      );
    }
    config = {
      method,
      numSpeculativeTokens: k,
      ...(flags.ngramMin !== undefined && { ngramMin: integer("--ngram-min", flags.ngramMin) }),
      ...(flags.ngramMax !== undefined && { ngramMax: integer("--ngram-max", flags.ngramMax) }),
    };
  } else {
    if (flags.speculativeModel === undefined)
      usage("--speculative draft needs --speculative-model DIR", "--speculative-model");
    for (const [flag, value] of [
      ["--ngram-min", flags.ngramMin],
      ["--ngram-max", flags.ngramMax],
    ] as const) {
      if (value !== undefined) usage(`${flag} applies to --speculative ngram only`, flag);
    }
    config = { method, model: flags.speculativeModel, numSpeculativeTokens: k };
  }
  try {
    resolveSpeculativeConfig(config);
  } catch (err) {
    // Only the engine's verdict on a field maps to a flag; anything else is a fault, not usage.
    if (!(err instanceof EngineError) || err.code !== "engine.bad_speculative") throw err;
    const field = err.details?.field;
    const flag = (typeof field === "string" ? FLAG_OF[field] : undefined) ?? "--speculative";
    usage(`${flag}: ${err.message}`, flag);
  }
  return config;
}

function integer(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n))
    usage(`${flag} must be an integer; got "${value}"`, flag);
  return n;
}

function usage(message: string, flag: string): never {
  throw new CliUsageError("cli.bad_argument", message, { details: { flag } });
}
