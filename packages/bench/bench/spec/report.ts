import type { SpecRun } from "./runner.js";
import type { StepProfile } from "./step-profile.js";

/** One timed run, with the machine's 1-minute load average just before it. */
export interface SpecRecord {
  readonly round: number;
  readonly loadAverage: number;
  readonly run: SpecRun;
}

/** One row of the results: a case, device, stream count and contender, over every round. */
export interface SpecRow {
  readonly case: string;
  readonly device: string;
  readonly streams: number;
  readonly contender: string;
  readonly records: readonly SpecRecord[];
  /** Greedy outputs equal to speculation off's in every round (always true for `off`). */
  readonly identical: boolean;
}

/** A row's figures: median tok/s, speedup over off's median, acceptance over all rounds. */
export interface SpecSummary {
  case: string;
  device: string;
  streams: number;
  contender: string;
  median_tok_per_s: number;
  runs_tok_per_s: number[];
  speedup: number | null;
  /** Decode tokens per second of this process's CPU time (median), and its ratio to off's. */
  median_tok_per_cpu_s: number;
  cpu_speedup: number | null;
  acceptance_rate: number | null;
  mean_acceptance_length: number | null;
  identical: boolean;
  load_average: [number, number];
  /** Mean milliseconds per engine step over every round (prefill steps included). */
  ms_per_step: { step: number; target: number; propose: number; draft_execute: number; other: number };
  /** Engine steps per generated token (below 1 when drafts are accepted). */
  steps_per_token: number;
}

/** Per-step means of a profile: `step 1.2 ms = target 0.8 + propose 0.1 (draft 0.1 in 2 calls) + other 0.3`. */
export function profileLine(p: StepProfile): string {
  const per = (ms: number) => (ms / Math.max(1, p.steps)).toFixed(2);
  const draft =
    p.draftCalls > 0
      ? ` (draft executor ${per(p.draftExecuteMs)} in ${(p.draftCalls / Math.max(1, p.steps)).toFixed(1)} calls)`
      : "";
  const other = p.stepMs - p.targetMs - p.proposeMs;
  return `${p.steps} steps, ms/step ${per(p.stepMs)} = target ${per(p.targetMs)} + propose ${per(p.proposeMs)}${draft} + other ${per(other)}`;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Summaries of `rows`; speedups against the `off` row of the same case, device and streams. */
export function summarize(rows: readonly SpecRow[]): SpecSummary[] {
  const med = (r: SpecRow) => median(r.records.map((x) => x.run.tokPerS));
  const medCpu = (r: SpecRow) => median(r.records.map((x) => x.run.numTokens / x.run.cpuSeconds));
  return rows.map((r) => {
    const off = rows.find(
      (o) => o.contender === "off" && o.case === r.case && o.device === r.device && o.streams === r.streams,
    );
    const sum = (f: (x: SpecRun) => number) => r.records.reduce((a, x) => a + f(x.run), 0);
    const drafts = sum((x) => x.numDrafts);
    const draftTokens = sum((x) => x.numDraftTokens);
    const accepted = sum((x) => x.numAcceptedTokens);
    const loads = r.records.map((x) => x.loadAverage);
    const steps = Math.max(
      1,
      sum((x) => x.profile.steps),
    );
    const perStep = (f: (x: SpecRun) => number) => Number((sum(f) / steps).toFixed(3));
    return {
      case: r.case,
      device: r.device,
      streams: r.streams,
      contender: r.contender,
      median_tok_per_s: med(r),
      runs_tok_per_s: r.records.map((x) => Number(x.run.tokPerS.toFixed(1))),
      speedup: off === undefined || r.contender === "off" ? null : med(r) / med(off),
      median_tok_per_cpu_s: medCpu(r),
      cpu_speedup: off === undefined || r.contender === "off" ? null : medCpu(r) / medCpu(off),
      acceptance_rate: draftTokens > 0 ? accepted / draftTokens : null,
      mean_acceptance_length: drafts > 0 ? 1 + accepted / drafts : null,
      identical: r.identical,
      load_average: [Math.min(...loads), Math.max(...loads)],
      ms_per_step: {
        step: perStep((x) => x.profile.stepMs),
        target: perStep((x) => x.profile.targetMs),
        propose: perStep((x) => x.profile.proposeMs),
        draft_execute: perStep((x) => x.profile.draftExecuteMs),
        other: perStep((x) => x.profile.stepMs - x.profile.targetMs - x.profile.proposeMs),
      },
      steps_per_token: Number(
        (
          steps /
          Math.max(
            1,
            sum((x) => x.numTokens),
          )
        ).toFixed(3),
      ),
    };
  });
}

/** The markdown table of `summaries`. */
export function markdownTable(summaries: readonly SpecSummary[]): string {
  const x = (r: number | null) => (r === null ? "–" : `${r.toFixed(2)}x`);
  const pct = (v: number | null) => (v === null ? "–" : `${(100 * v).toFixed(0)} %`);
  const lines = [
    "| case | device | streams | speculation | tok/s (median) | speedup | speedup in CPU time | acceptance | mean accepted length | greedy identical | load |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const s of summaries) {
    lines.push(
      `| ${s.case} | ${s.device} | ${s.streams} | ${s.contender} | ${s.median_tok_per_s.toFixed(s.median_tok_per_s < 100 ? 1 : 0)} | ` +
        `${x(s.speedup)} | ${x(s.cpu_speedup)} | ${pct(s.acceptance_rate)} | ` +
        `${s.mean_acceptance_length?.toFixed(2) ?? "–"} | ${s.identical ? "yes" : "**NO**"} | ` +
        `${s.load_average[0].toFixed(1)}-${s.load_average[1].toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}
