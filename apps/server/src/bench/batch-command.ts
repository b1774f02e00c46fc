import {
  type BatchRow,
  batchLatencyChart,
  batchSweep,
  batchThroughputChart,
  engineRunner,
  formatTable,
  powersOfTwo,
  type Runner,
  resolveDevice,
  simRunner,
  staticVsContinuous,
  writeReport,
} from "@pagoda/bench";
import type { Command } from "commander";
import { defaultModel } from "../default-model.js";
import {
  KV_CACHE_DTYPE_HELP,
  parseKvCacheDtype,
  parseQuantization,
  parseThreads,
  QUANTIZATION_HELP,
  THREADS_HELP,
} from "../device-flags.js";
import { CliUsageError } from "../generate/errors.js";
import { POLICY_OPTIONS_HELP, parsePolicy, parsePolicyOptions, policyHelp } from "../policy-flags.js";
import { addSpeculativeOptions, parseSpeculativeFlags, type SpeculativeFlags } from "../speculative-flags.js";
import { choiceFlag, intFlag } from "./flags.js";
import { loadSimModel } from "./model-config.js";
import { addWorkloadFlags, readTrace, type WorkloadFlags } from "./workload-flags.js";

interface BatchFlags extends WorkloadFlags, SpeculativeFlags {
  engine: string;
  modelConfig: string;
  device: string;
  model?: string;
  maxBatch: string;
  threads?: string;
  kvCacheDtype: string;
  quantization?: string;
  policy: string;
  policyOptions?: string;
}

const ENGINES = ["sim", "cpu", "webgpu", "reference"] as const;

/** Registers `pagoda bench batch`: batch size against throughput and latency, and static against continuous batching. */
export function registerBatch(bench: Command, write: (text: string) => void): void {
  const cmd = bench
    .command("batch")
    .description("batch size 1, 2, 4 … N against throughput and latency; static vs continuous batching")
    .option(
      "--engine <sim|cpu|webgpu|reference>",
      "simulate, or run the real engine on the CPU (WebAssembly), WebGPU or the exact reference",
      "sim",
    )
    .option("--threads <n>", THREADS_HELP)
    .option("--kv-cache-dtype <dtype>", `real engines: ${KV_CACHE_DTYPE_HELP}`, "auto")
    .option("--quantization <type>", `real engines: ${QUANTIZATION_HELP}`)
    .option("--model-config <name|path>", "sim: model preset or config.json", "llama-2-7b")
    .option("--device <name>", "sim: device profile", "a100-80gb")
    .option(
      "--model <dir|file.gguf>",
      "cpu/webgpu: model folder or GGUF file (default: $PAGODA_MODEL or stories260K)",
    )
    .option("--max-batch <n>", "largest batch limit N (also the static-vs-continuous limit)", "64")
    .option("--policy <name|path>", `the sweep's ${policyHelp()}`, "fcfs")
    .option("--policy-options <json>", POLICY_OPTIONS_HELP);
  addSpeculativeOptions(cmd);
  addWorkloadFlags(cmd, { numPrompts: 256, inputLen: 128, outputLen: 128 }).action(
    async (flags: BatchFlags) => {
      const engine = choiceFlag("engine", flags.engine, ENGINES);
      const maxBatch = intFlag("max-batch", flags.maxBatch, 1);
      const policy = parsePolicy(flags.policy);
      const policyOptions = parsePolicyOptions(flags.policyOptions);
      const speculative = parseSpeculativeFlags(flags);
      if (speculative !== undefined && engine === "sim") {
        throw new CliUsageError(
          "cli.bad_argument",
          "speculative decoding needs a real engine (--engine cpu|webgpu|reference)",
          {
            details: { flag: "--engine" },
          },
        );
      }
      let runner: Runner;
      let maxModelLen: number;
      let label: string;
      if (engine === "sim") {
        const model = await loadSimModel(flags.modelConfig);
        const device = resolveDevice(flags.device);
        runner = simRunner(model, device, { seed: intFlag("seed", flags.seed) });
        maxModelLen = model.maxModelLen;
        label = `simulated ${model.name} on ${device.name}`;
      } else {
        const path = flags.model ?? defaultModel();
        const threads = parseThreads(flags.threads);
        const quantization = parseQuantization(flags.quantization);
        runner = engineRunner(path, engine, {
          ...(quantization !== undefined && { quantization }),
          seed: intFlag("seed", flags.seed),
          kvCacheDtype: parseKvCacheDtype(flags.kvCacheDtype),
          ...(threads !== undefined && { threads }),
          ...(speculative !== undefined && { speculative }),
        });
        maxModelLen = 512; // bounds log-normal draws; longer requests count as failed
        label = `${path} on the ${engine} engine`;
      }
      const requests = readTrace(flags, maxModelLen);
      const log = (row: BatchRow) =>
        process.stderr.write(
          `batch ${row.max_num_seqs} (${row.policy}): ${row.result.output_throughput.toFixed(1)} tok/s\n`,
        );
      const spec = { requests, policy, ...(policyOptions !== undefined && { policyOptions }) };
      const sweep = await batchSweep(runner, spec, powersOfTwo(maxBatch), log);
      const svc = await staticVsContinuous(runner, { requests, maxNumSeqs: maxBatch });
      const json = { engine: label, sweep, static_vs_continuous: svc };
      if (flags.json) {
        write(`${JSON.stringify(json)}\n`);
      } else {
        write(`Batch sweep, ${label}, ${requests.length} requests (${policy}):\n`);
        write(formatTable(COLUMNS, sweep.map(cells)));
        write(`\nStatic vs continuous at batch ${maxBatch}:\n`);
        write(formatTable(COLUMNS, [cells(svc.static), cells(svc.continuous)]));
        write(`continuous / static output throughput: ${svc.throughput_ratio.toFixed(2)}×\n`);
      }
      if (flags.out !== undefined) {
        await writeReport(flags.out, {
          title: `pagoda bench batch: ${label}`,
          config: { ...flags },
          data: json,
          charts: [
            batchThroughputChart({ continuous: sweep }),
            batchLatencyChart(sweep),
            batchThroughputChart(
              { static: [{ ...svc.static, max_num_seqs: maxBatch }], continuous: [svc.continuous] },
              "Static vs continuous batching",
            ),
          ],
          tables: [{ title: "Batch sweep", columns: COLUMNS, rows: sweep.map(cells) }],
        });
      }
    },
  );
}

const COLUMNS = [
  "batch",
  "policy",
  "mean batch",
  "step ms",
  "out tok/s",
  "req/s",
  "TTFT p50 ms",
  "TPOT p50 ms",
  "E2E p99 ms",
  "draft accept",
];

function cells(r: BatchRow): Array<string | number> {
  const n = (v: number | null) => v ?? Number.NaN;
  return [
    r.max_num_seqs,
    r.policy,
    r.mean_batch,
    r.mean_step_ms,
    r.result.output_throughput,
    r.result.request_throughput,
    n(r.result.ttft_ms.p50),
    n(r.result.tpot_ms.p50),
    n(r.result.e2e_ms.p99),
    r.spec_decode?.acceptance_rate == null ? "-" : `${(r.spec_decode.acceptance_rate * 100).toFixed(0)}%`,
  ];
}
