import { readFile } from "node:fs/promises";
import {
  type BenchRequest,
  comparePolicies,
  compareReport,
  formatTable,
  parseTraceFile,
  resolveDevice,
  writeReport,
} from "@pagoda/bench";
import { createEngine, type PolicyOptions } from "@pagoda/engine";
import type { Command } from "commander";
import { defaultModel } from "../default-model.js";
import { parsePolicy } from "../policy-flags.js";
import { addSpeculativeOptions, parseSpeculativeFlags, type SpeculativeFlags } from "../speculative-flags.js";
import { badFlag, choiceFlag, intFlag, listFlag } from "./flags.js";
import { loadSimModel } from "./model-config.js";
import { addWorkloadFlags, readGoodput, readTrace, type WorkloadFlags } from "./workload-flags.js";

interface CompareFlags extends WorkloadFlags, SpeculativeFlags {
  policies: string;
  policyOptions?: string;
  trace?: string;
  engine: string;
  model?: string;
  modelConfig?: string;
  device: string;
  maxNumSeqs: string;
  maxNumBatchedTokens: string;
  blockSize: string;
  numBlocks?: string;
  swapSpace: string;
  sharedPrefixLen: string;
  numPrefixGroups: string;
}

const ENGINES = ["cpu", "webgpu", "reference", "none"] as const;

/** Registers `pagoda bench compare`: several policies on one workload, simulated and real, in one report. */
export function registerCompare(bench: Command, write: (text: string) => void): void {
  const cmd = bench
    .command("compare")
    .description("compare scheduling policies on one workload, on the simulator and on the real engine")
    .option(
      "--policies <list>",
      "comma-separated policy names or module paths (./mine.js)",
      "fcfs,priority,slo",
    )
    .option(
      "--policy-options <json>",
      `options per policy as JSON, e.g. '{"priority": {"agingPerSecond": 0}}'`,
    )
    .option(
      "--trace <file.jsonl>",
      "a trace file (arrival_time, input_len, output_len, …) instead of the generator",
    )
    .option("--engine <cpu|webgpu|reference|none>", "the real engine's device; none: simulator only", "cpu")
    .option("--model <dir>", "the real engine's model folder (default: PAGODA_MODEL or stories260K)")
    .option("--model-config <name|path>", "the simulator's model (default: --model's config)")
    .option(
      "--device <name>",
      "the simulator's device profile (measured: this machine's calibration)",
      "measured",
    )
    .option("--max-num-seqs <n>", "batch limit (sequences per step)", "16")
    .option("--max-num-batched-tokens <n>", "token budget per step", "1024")
    .option("--block-size <n>", "tokens per KV block", "16")
    .option("--num-blocks <n>", "KV blocks (null block included); default: what memory allows")
    .option("--swap-space <bytes>", "host memory for swapped-out KV blocks; 0: recompute", "0")
    .option("--shared-prefix-len <n>", "generator: leading prompt tokens shared within a prefix group", "0")
    .option("--num-prefix-groups <n>", "generator: prefix groups, round-robin", "1");
  addSpeculativeOptions(cmd);
  addWorkloadFlags(cmd, { numPrompts: 64, inputLen: 64, outputLen: 32 }).action(
    async (flags: CompareFlags) => {
      const policies = listFlag("policies", flags.policies, (p) => parsePolicy(p, "--policies"));
      const policyOptions = readPolicyOptions(flags.policyOptions);
      const engineDevice = choiceFlag("engine", flags.engine, ENGINES);
      // The real engine speculates; the simulator models plain decoding.
      const speculative = parseSpeculativeFlags(flags);
      const modelDir = flags.model ?? defaultModel();
      const model = await loadSimModel(flags.modelConfig ?? modelDir);
      const device = resolveDevice(flags.device);
      const goodput = readGoodput(flags);
      const requests = await workload(flags, model.maxModelLen);
      const sizes = {
        maxNumSeqs: intFlag("max-num-seqs", flags.maxNumSeqs, 1),
        maxNumBatchedTokens: intFlag("max-num-batched-tokens", flags.maxNumBatchedTokens, 1),
        blockSize: intFlag("block-size", flags.blockSize, 1),
        ...(flags.numBlocks !== undefined && { numBlocks: intFlag("num-blocks", flags.numBlocks, 2) }),
      };
      const swapSpace = intFlag("swap-space", flags.swapSpace);
      const result = await comparePolicies({
        policies,
        policyOptions,
        requests,
        sim: { model, device, seed: intFlag("seed", flags.seed), ...sizes },
        ...(goodput !== undefined && { goodput }),
        ...(engineDevice !== "none" && {
          engine: (policy: string, options: PolicyOptions | undefined) =>
            createEngine({
              model: modelDir,
              device: engineDevice,
              ...sizes,
              swapSpace,
              policy,
              ...(options !== undefined && { policyOptions: options }),
              ...(speculative !== undefined && { speculative }),
            }),
        }),
        onRun: (policy, runner) =>
          process.stderr.write(`compare: ${policy} on the ${runner === "sim" ? "simulator" : "engine"}\n`),
      });
      if (flags.json) write(`${JSON.stringify(result)}\n`);
      else write(summary(result.rows));
      if (flags.out !== undefined) {
        const title = `pagoda bench compare: ${policies.join(", ")} on ${model.name}`;
        const config = {
          ...flags,
          sim_device: device.name,
          sim_device_source: device.source,
          model: modelDir,
        };
        const paths = await writeReport(flags.out, compareReport(result, title, config));
        process.stderr.write(`report: ${paths.html} (JSON: ${paths.json})\n`);
      }
    },
  );
}

async function workload(flags: CompareFlags, maxModelLen: number): Promise<BenchRequest[]> {
  if (flags.trace !== undefined) {
    const text = await readFile(flags.trace, "utf8").catch(() =>
      badFlag("trace", "a readable JSONL file", flags.trace),
    );
    return parseTraceFile(text);
  }
  return readTrace(flags, maxModelLen, undefined, {
    sharedPrefixLen: intFlag("shared-prefix-len", flags.sharedPrefixLen),
    numPrefixGroups: intFlag("num-prefix-groups", flags.numPrefixGroups, 1),
  });
}

function readPolicyOptions(value: string | undefined): Record<string, PolicyOptions> {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(parsed) || !Object.values(parsed as object).every(isObject)) {
    badFlag("policy-options", "a JSON object of policy -> options object", value);
  }
  return parsed as Record<string, PolicyOptions>;
}

function summary(rows: Awaited<ReturnType<typeof comparePolicies>>["rows"]): string {
  const f = (v: number | null) => (v === null ? "-" : v.toFixed(1));
  return formatTable(
    ["policy", "runner", "ttft p50", "ttft p99", "tpot p50", "e2e p50", "e2e p99", "tok/s", "goodput"],
    rows.map((r) => [
      r.policy,
      r.runner,
      f(r.result.ttft_ms.p50),
      f(r.result.ttft_ms.p99),
      f(r.result.tpot_ms.p50),
      f(r.result.e2e_ms.p50),
      f(r.result.e2e_ms.p99),
      r.result.output_throughput.toFixed(1),
      r.result.goodput === null ? "-" : r.result.goodput.request_goodput.toFixed(2),
    ]),
  );
}
