import { agreement, type ForcedScores } from "@pagoda/executor";

/** One system's quantized model against its own F32 one (or two systems on the same file). */
export interface AccuracyRow {
  readonly model: string;
  readonly format: string;
  readonly system: string;
  readonly versus: string;
  /** Positions of the forced text compared (top-1 at all of them). */
  readonly positions: number;
  /**
   * Positions whose log-probabilities both systems give as finite numbers: llama.cpp reports
   * f32 probabilities, which underflow to 0 for a token more than ~103 nats below the best.
   */
  readonly scored: number;
  readonly top1: number;
  readonly meanLogprobDiff: number;
  readonly meanAbsLogprobDiff: number;
  readonly baselineMeanLogprob: number;
}

/** The row comparing `candidate` with `baseline` over the same text. */
export function accuracyRow(
  ids: Pick<AccuracyRow, "model" | "format" | "system" | "versus">,
  baseline: ForcedScores,
  candidate: ForcedScores,
): AccuracyRow {
  const a = agreement(baseline, candidate);
  const finite = [...baseline.logprob.keys()].filter(
    (p) => Number.isFinite(baseline.logprob[p]) && Number.isFinite(candidate.logprob[p]),
  );
  const pick = (s: ForcedScores): ForcedScores => ({
    top1: Int32Array.from(finite, (p) => s.top1[p] as number),
    logprob: Float64Array.from(finite, (p) => s.logprob[p] as number),
  });
  const lp = finite.length === 0 ? null : agreement(pick(baseline), pick(candidate));
  return {
    ...ids,
    positions: baseline.top1.length,
    scored: finite.length,
    top1: a.top1,
    meanLogprobDiff: lp?.meanLogprobDiff ?? Number.NaN,
    meanAbsLogprobDiff: lp?.meanAbsLogprobDiff ?? Number.NaN,
    baselineMeanLogprob: lp?.baselineMeanLogprob ?? Number.NaN,
  };
}

/** The accuracy rows as a markdown table. */
export function accuracyTable(rows: readonly AccuracyRow[]): string {
  const head = [
    "model",
    "format",
    "system",
    "versus",
    "positions (scored)",
    "top-1 agreement",
    "Δ mean logprob",
    "mean |Δ logprob|",
  ];
  const line = (r: AccuracyRow) => [
    r.model,
    r.format,
    r.system,
    r.versus,
    `${r.positions} (${r.scored})`,
    `${(100 * r.top1).toFixed(1)} %`,
    r.meanLogprobDiff.toFixed(4),
    r.meanAbsLogprobDiff.toFixed(4),
  ];
  const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [row(head), row(head.map(() => "---")), ...rows.map((r) => row(line(r)))].join("\n");
}
