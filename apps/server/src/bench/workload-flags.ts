import {
  type BenchRequest,
  buildTrace,
  type GoodputSlo,
  parseGoodput,
  type TraceOptions,
} from "@pagoda/bench";
import type { Command } from "commander";
import { choiceFlag, intFlag, numberFlag, rateFlag } from "./flags.js";

/** The workload flags every bench command shares, as commander hands them over. */
export interface WorkloadFlags {
  numPrompts: string;
  requestRate: string;
  burstiness: string;
  dataset: string;
  inputLen: string;
  outputLen: string;
  rangeRatio: string;
  seed: string;
  goodput?: string[];
  json?: boolean;
  out?: string;
}

/** Adds the shared workload flags to `cmd` with the given defaults. */
export function addWorkloadFlags(
  cmd: Command,
  defaults: { numPrompts: number; inputLen: number; outputLen: number; requestRate?: string },
): Command {
  return cmd
    .option("--num-prompts <n>", "requests to send", String(defaults.numPrompts))
    .option(
      "--request-rate <r>",
      "requests per second (Poisson), or inf for all at once",
      defaults.requestRate ?? "inf",
    )
    .option("--burstiness <b>", "gamma shape of arrival gaps: 1 Poisson, < 1 burstier", "1")
    .option(
      "--dataset <name>",
      "synthetic (uniform lengths), lognormal (long-tailed), or (serve) a JSONL file",
      "synthetic",
    )
    .option("--input-len <n>", "prompt tokens (median for lognormal)", String(defaults.inputLen))
    .option("--output-len <n>", "output tokens (median for lognormal)", String(defaults.outputLen))
    .option("--range-ratio <r>", "synthetic: lengths uniform in len·[1 − r, 1 + r]", "0")
    .option("--seed <n>", "workload and sampling seed", "0")
    .option("--goodput <pairs...>", "SLOs in ms, e.g. ttft:500 tpot:50 (e2el:MS too)")
    .option("--json", "print one JSON object")
    .option("--out <file.html>", "write an HTML report with charts (and the JSON beside it)")
    .option("--verbose", "print stack traces on errors");
}

/** The objectives of `--goodput`, if given. */
export function readGoodput(flags: WorkloadFlags): GoodputSlo | undefined {
  return flags.goodput === undefined ? undefined : parseGoodput(flags.goodput);
}

/** The seeded trace the flags describe; `maxModelLen` bounds log-normal draws; `extra` adds generator options. */
export function readTrace(
  flags: WorkloadFlags,
  maxModelLen: number,
  requestRate?: number,
  extra: Partial<TraceOptions> = {},
): BenchRequest[] {
  return buildTrace({
    ...extra,
    numPrompts: intFlag("num-prompts", flags.numPrompts, 1),
    requestRate: requestRate ?? rateFlag("request-rate", flags.requestRate),
    burstiness: numberFlag("burstiness", flags.burstiness, Number.MIN_VALUE),
    dataset: choiceFlag("dataset", flags.dataset, ["synthetic", "lognormal"] as const),
    inputLen: intFlag("input-len", flags.inputLen, 1),
    outputLen: intFlag("output-len", flags.outputLen, 1),
    rangeRatio: numberFlag("range-ratio", flags.rangeRatio, 0, 1),
    maxModelLen,
    seed: intFlag("seed", flags.seed),
  });
}
