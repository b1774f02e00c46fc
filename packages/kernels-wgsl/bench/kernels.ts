// Kernel benchmark: per case, time per execution, achieved GB/s and GFLOP/s, and the fraction of
// the copy kernel's bandwidth measured in the same run, just before the case (the roofline for
// memory-bound kernels).
//
//   pnpm --filter @pagoda/kernels-wgsl bench [-- --json] [--filter gemv] [--budget 2]
//
// Cases live in bench/cases/*.ts, one file per kernel family, each exporting `cases`; every file
// there is picked up, so adding a family is adding a file (paged attention: cases/attention.ts).
import { readdirSync } from "node:fs";
import { cpus } from "node:os";
import { KernelContext, requestDevice } from "../src/index.js";
import type { BenchCase } from "./case.js";
import { copyCase } from "./cases/copy.js";
import { timeCase } from "./timing.js";

interface Row {
  kernel: string;
  case: string;
  microseconds: number;
  reps: number;
  gbPerSecond: number;
  gflopPerSecond: number;
  fractionOfCopy: number;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function loadCases(): Promise<BenchCase[]> {
  const dir = new URL("./cases/", import.meta.url);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  const out: BenchCase[] = [];
  for (const file of files) {
    const mod = (await import(new URL(file, dir).href)) as { cases?: BenchCase[] };
    out.push(...(mod.cases ?? []));
  }
  return out;
}

async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const filter = option("--filter");
  const budget = Number(option("--budget") ?? 1.5);
  const gpu = await requestDevice();
  const ctx = new KernelContext(gpu);
  const selected = (await loadCases()).filter((c) => !filter || `${c.kernel} ${c.name}`.includes(filter));
  // The machine's load can drift during a run (shared CPUs under a software adapter), so the copy
  // ceiling is re-measured right before each case and each fraction uses its neighbour.
  const copy = copyCase.prepare(ctx);
  const copyGbps = async () => copyCase.bytes / (await timeCase(ctx, copy, budget / 3)).seconds / 1e9;
  const rows: Row[] = [];
  const ceilings: number[] = [];
  for (const c of selected) {
    const ceiling = await copyGbps();
    ceilings.push(ceiling);
    const prepared = c.prepare(ctx);
    const { seconds, reps } = await timeCase(ctx, prepared, budget);
    prepared.destroy();
    const gbPerSecond = c.bytes / seconds / 1e9;
    const row = {
      kernel: c.kernel,
      case: c.name,
      microseconds: seconds * 1e6,
      reps,
      gbPerSecond,
      gflopPerSecond: c.flops / seconds / 1e9,
      fractionOfCopy: gbPerSecond / ceiling,
    };
    rows.push(row);
    if (!json) process.stderr.write(`${row.kernel} ${row.case}: ${row.microseconds.toFixed(0)} µs\n`);
  }
  copy.destroy();
  ceilings.sort((a, b) => a - b);
  const median = ceilings[Math.floor(ceilings.length / 2)] ?? 0;
  rows.unshift({
    kernel: "copy",
    case: `${copyCase.name} (median of ${ceilings.length}, range ${(ceilings[0] ?? 0).toFixed(2)}–${(ceilings.at(-1) ?? 0).toFixed(2)} GB/s)`,
    microseconds: (copyCase.bytes / median / 1e9) * 1e6,
    reps: 0,
    gbPerSecond: median,
    gflopPerSecond: 0,
    fractionOfCopy: 1,
  });
  const info = gpu.adapterInfo;
  const machine = {
    adapter: `${info.vendor} ${info.architecture} ${info.description}`.trim(),
    cpu: `${cpus().length}× ${cpus()[0]?.model ?? "?"}`,
    node: process.version,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify({ machine, rows }, null, 2)}\n`);
  } else {
    process.stdout.write(markdown(machine, rows));
  }
  ctx.destroy();
  gpu.device.destroy();
}

function markdown(machine: Record<string, string>, rows: Row[]): string {
  const lines = [
    `Adapter: ${machine.adapter} · CPU: ${machine.cpu} · Node ${machine.node}`,
    "",
    "| kernel | case | µs / run | GB/s | GFLOP/s | % of copy |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.kernel} | ${r.case} | ${r.microseconds.toFixed(0)} | ${r.gbPerSecond.toFixed(2)} | ` +
        `${r.gflopPerSecond.toFixed(2)} | ${(100 * r.fractionOfCopy).toFixed(0)} % |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

await main();
