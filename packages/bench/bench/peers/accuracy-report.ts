import { agreement, type ForcedScores } from "@pagoda/executor";

/** One system's quantized model against its own F32 one (or two systems on the same file). */
export interface AccuracyRow {
  readonly model: string;
  readonly format: string;
  readonly system: string;
  readonly versus: string;
  /** Positions of the forced text compared. */
  readonly positions: number;
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
  return {
    ...ids,
    positions: baseline.top1.length,
    top1: a.top1,
    meanLogprobDiff: a.meanLogprobDiff,
    meanAbsLogprobDiff: a.meanAbsLogprobDiff,
    baselineMeanLogprob: a.baselineMeanLogprob,
  };
}

/** The accuracy rows as a markdown table. */
export function accuracyTable(rows: readonly AccuracyRow[]): string {
  const head = [
    "model",
    "format",
    "system",
    "versus",
    "positions",
    "top-1 agreement",
    "Δ mean logprob",
    "mean |Δ logprob|",
  ];
  const line = (r: AccuracyRow) => [
    r.model,
    r.format,
    r.system,
    r.versus,
    String(r.positions),
    `${(100 * r.top1).toFixed(1)} %`,
    r.meanLogprobDiff.toFixed(4),
    r.meanAbsLogprobDiff.toFixed(4),
  ];
  const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [row(head), row(head.map(() => "---")), ...rows.map((r) => row(line(r)))].join("\n");
}
