import {
  resolveDevice,
  type SimDevice,
  type SimModel,
  type SimulationOptions,
  simDeviceNames,
} from "@pagoda/bench";
import { loadPolicy } from "@pagoda/engine";
import type { Command } from "commander";
import { POLICY_OPTIONS_HELP, parsePolicy, parsePolicyOptions, policyHelp } from "../policy-flags.js";
import { intFlag } from "./flags.js";
import { loadSimModel } from "./model-config.js";

/** The simulator's flags as commander hands them over. */
export interface SimFlags {
  modelConfig: string;
  device: string;
  policy: string;
  policyOptions?: string;
  maxNumSeqs: string;
  maxNumBatchedTokens: string;
  blockSize: string;
  seed: string;
}

/** Adds the model, device and scheduler flags of the simulator to `cmd`. */
export function addSimFlags(cmd: Command): Command {
  return cmd
    .option(
      "--model-config <name|path>",
      "model preset (llama-2-7b, llama-2-13b, qwen3-0.6b, stories260k), config.json, or a model folder",
      "llama-2-7b",
    )
    .option("--device <name>", `${[...simDeviceNames(), "measured"].join(" | ")}`, "a100-80gb")
    .option("--policy <name|path>", policyHelp(), "fcfs")
    .option(
      "--policy-options <json>",
      `${POLICY_OPTIONS_HELP} (slo: its step cost from the device when not given)`,
    )
    .option("--max-num-seqs <n>", "batch limit (sequences per step)", "256")
    .option("--max-num-batched-tokens <n>", "token budget per step", "8192")
    .option("--block-size <n>", "tokens per KV block", "16");
}

/**
 * The model, device and simulation settings the flags name (requests and goodput left to the
 * caller); `--policy` is loaded (a module path imported) and checked with its options.
 */
export async function readSimSetup(
  flags: SimFlags,
): Promise<{ model: SimModel; device: SimDevice; base: Omit<SimulationOptions, "requests"> }> {
  const policy = parsePolicy(flags.policy);
  const options = optionsOf(flags.policyOptions);
  await loadPolicy(policy, options.policyOptions);
  const model = await loadSimModel(flags.modelConfig);
  const device = resolveDevice(flags.device);
  return {
    model,
    device,
    base: {
      model,
      device,
      policy,
      ...options,
      maxNumSeqs: intFlag("max-num-seqs", flags.maxNumSeqs, 1),
      maxNumBatchedTokens: intFlag("max-num-batched-tokens", flags.maxNumBatchedTokens, 1),
      blockSize: intFlag("block-size", flags.blockSize, 1),
      seed: intFlag("seed", flags.seed),
    },
  };
}

function optionsOf(value: string | undefined): Pick<SimulationOptions, "policyOptions"> {
  const policyOptions = parsePolicyOptions(value);
  return policyOptions === undefined ? {} : { policyOptions };
}
