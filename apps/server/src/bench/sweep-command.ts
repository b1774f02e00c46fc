import { type BenchResult, type Chart, formatTable, simulate, writeReport } from "@pagoda/bench";
import { loadPolicy } from "@pagoda/engine";
import type { Command } from "commander";
import { parsePolicy } from "../policy-flags.js";
import { badFlag, listFlag, rateFlag } from "./flags.js";
import {
  addServeFlags,
  readServeTrace,
  resolveServedModel,
  type ServeFlags,
  serveOnce,
} from "./serve-command.js";
import { addSimFlags, readSimSetup, type SimFlags } from "./sim-flags.js";
import { addWorkloadFlags, readGoodput, readTrace } from "./workload-flags.js";

interface SweepFlags extends SimFlags, ServeFlags {
  rates?: string;
  policies?: string;
  target: string;
}

interface SweepRow {
  rate: number | null;
  policy: string | null;
  result: BenchResult;
}

/** Registers `pagoda bench sweep`: one workload over a list of request rates or policies, one table. */
export function registerSweep(bench: Command, write: (text: string) => void): void {
  const cmd = bench
    .command("sweep")
    .description("run a benchmark over several request rates or policies and print one table")
    .option("--target <sim|serve>", "simulate, or send to the server at --url", "sim")
    .option("--rates <list>", "comma-separated request rates (inf allowed)")
    .option(
      "--policies <list>",
      "comma-separated policies: names or module paths (sim only; each with its defaults)",
    );
  addServeFlags(addSimFlags(cmd));
  addWorkloadFlags(cmd, { numPrompts: 500, inputLen: 512, outputLen: 128 }).action(
    async (flags: SweepFlags) => {
      if ((flags.rates === undefined) === (flags.policies === undefined)) {
        badFlag("rates", "given, or --policies, but not both", flags.rates ?? "(none)");
      }
      if (flags.target !== "sim" && flags.target !== "serve") badFlag("target", "sim or serve", flags.target);
      if (flags.target === "serve" && flags.policies !== undefined) {
        badFlag(
          "policies",
          "used with --target sim (a server's policy is fixed when it starts)",
          flags.policies,
        );
      }
      if (flags.policies !== undefined && flags.policyOptions !== undefined) {
        badFlag(
          "policy-options",
          "used with --policy, not --policies (each policy runs with its defaults)",
          flags.policyOptions,
        );
      }
      const rates =
        flags.rates === undefined ? [null] : listFlag("rates", flags.rates, (r) => rateFlag("rates", r));
      const policies =
        flags.policies === undefined
          ? [null]
          : listFlag("policies", flags.policies, (p) => parsePolicy(p, "--policies"));
      const rows: SweepRow[] = [];
      const goodput = readGoodput(flags);
      for (const rate of rates) {
        for (const policy of policies) {
          const result =
            flags.target === "sim" ? await simRow(flags, rate, policy) : await serveRow(flags, rate);
          rows.push({ rate, policy, result });
          process.stderr.write(`${label(rate, policy)}: ${result.output_throughput.toFixed(1)} tok/s\n`);
        }
      }
      const table = rows.map(cells);
      if (flags.json) write(`${JSON.stringify({ target: flags.target, goodput: goodput ?? null, rows })}\n`);
      else write(formatTable(COLUMNS, table));
      if (flags.out !== undefined) {
        await writeReport(flags.out, {
          title: `pagoda bench sweep (${flags.target})`,
          config: { ...flags },
          data: rows,
          charts: sweepCharts(rows),
          tables: [{ title: "Sweep", columns: COLUMNS, rows: table }],
        });
      }
    },
  );
}

async function simRow(flags: SweepFlags, rate: number | null, policy: string | null): Promise<BenchResult> {
  const { model, base } = await readSimSetup(flags);
  const requests = readTrace(flags, model.maxModelLen, rate ?? undefined);
  const goodput = readGoodput(flags);
  if (policy !== null) await loadPolicy(policy);
  const sim = await simulate({
    ...base,
    requests,
    ...(policy !== null && { policy }),
    ...(goodput !== undefined && { goodput }),
  });
  return sim.result;
}

async function serveRow(flags: SweepFlags, rate: number | null): Promise<BenchResult> {
  const requests = await readServeTrace(flags, rate ?? undefined);
  return (await serveOnce(flags, requests, await resolveServedModel(flags))).result;
}

const label = (rate: number | null, policy: string | null) =>
  [rate === null ? null : `rate ${rate}`, policy].filter((s) => s !== null).join(", ");

const COLUMNS = [
  "run",
  "done",
  "failed",
  "req/s",
  "out tok/s",
  "TTFT p50",
  "TTFT p99",
  "TPOT p50",
  "TPOT p99",
  "goodput req/s",
];

function cells(r: SweepRow): Array<string | number> {
  const n = (v: number | null) => v ?? Number.NaN;
  const res = r.result;
  return [
    label(r.rate, r.policy),
    res.completed,
    res.failed,
    res.request_throughput,
    res.output_throughput,
    n(res.ttft_ms.p50),
    n(res.ttft_ms.p99),
    n(res.tpot_ms.p50),
    n(res.tpot_ms.p99),
    res.goodput === null ? "-" : res.goodput.request_goodput,
  ];
}

function sweepCharts(rows: SweepRow[]): Chart[] {
  const byRate = rows.every((r) => r.rate !== null && Number.isFinite(r.rate));
  const x = byRate ? rows.map((r) => r.rate as number) : rows.map((_, i) => i + 1);
  const xLabel = byRate
    ? "request rate (req/s)"
    : `run (${rows.map((r, i) => `${i + 1} = ${label(r.rate, r.policy)}`).join(", ")})`;
  return [
    {
      title: "Throughput",
      xLabel,
      yLabel: "tokens/s",
      x,
      series: [{ label: "output tok/s", values: rows.map((r) => r.result.output_throughput) }],
    },
    {
      title: "Latency",
      xLabel,
      yLabel: "ms",
      x,
      series: [
        { label: "TTFT P50", values: rows.map((r) => r.result.ttft_ms.p50) },
        { label: "TTFT P99", values: rows.map((r) => r.result.ttft_ms.p99) },
        { label: "TPOT P99", values: rows.map((r) => r.result.tpot_ms.p99) },
      ],
    },
  ];
}
