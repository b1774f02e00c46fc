import type { RoundRecord } from "./rounds.js";
import type { Scenario } from "./scenarios.js";

/** One table row: a model, a scenario and every system's median. */
export interface PeerRow {
  readonly model: string;
  readonly scenario: Scenario;
  /** System name → median tok/s, or null when skipped. */
  readonly medians: Readonly<Record<string, number | null>>;
  readonly records: readonly RoundRecord[];
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Per system, the median tok/s of its runs, or null where it has none (skipped). */
export function medians(
  systems: readonly string[],
  records: readonly RoundRecord[],
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const s of systems) {
    const runs = records.filter((r) => r.system === s).map((r) => r.result.tokPerS);
    out[s] = runs.length === 0 ? null : median(runs);
  }
  return out;
}

const fmt = (x: number | null | undefined) =>
  x == null ? "skipped" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);

/** A Pagoda system and the llama.cpp system its ratio is taken against. */
export type PeerPair = readonly [pagoda: string, peer: string];

/**
 * A markdown table: one line per model and scenario; per pair, both medians and the ratio
 * Pagoda / llama.cpp (a Pagoda system shared by several pairs is shown once).
 */
export function markdownTable(rows: readonly PeerRow[], pairs: readonly PeerPair[]): string {
  const shown = new Set<string>();
  const columns = pairs.flatMap(([mine, theirs]) => {
    const cols: Array<{ head: string; cell: (r: PeerRow) => string }> = [];
    if (!shown.has(mine)) {
      shown.add(mine);
      cols.push({ head: `${mine} tok/s`, cell: (r) => fmt(r.medians[mine]) });
    }
    cols.push({ head: `${theirs} tok/s`, cell: (r) => fmt(r.medians[theirs]) });
    cols.push({
      head: `${mine} ÷ ${theirs}`,
      cell: (r) => {
        const a = r.medians[mine] ?? null;
        const b = r.medians[theirs] ?? null;
        return a === null || b === null ? "–" : `${(a / b).toFixed(3)}×`;
      },
    });
    return cols;
  });
  const head = ["model", "row", ...columns.map((c) => c.head)];
  const lines = rows.map((r) => [r.model, r.scenario.id, ...columns.map((c) => c.cell(r))]);
  const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [row(head), row(head.map(() => "---")), ...lines.map(row)].join("\n");
}

/** Where two greedy streams first differ (`length` when one is a prefix of the other). */
export function firstDivergence(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** How far Pagoda's greedy tokens agree with a peer's on the same prompt. */
export interface GreedyMatch {
  model: string;
  pagoda: string;
  versus: string;
  length: number;
  firstDivergence: number;
}

/** Per pair, Pagoda's first stream of its first run against the peer's, from one row's records. */
export function greedyMatches(
  model: string,
  records: readonly RoundRecord[],
  pairs: readonly PeerPair[],
): GreedyMatch[] {
  const first = (system: string) => records.find((r) => r.system === system)?.result.outputs[0] ?? [];
  return pairs.map(([pagoda, versus]) => {
    const mine = first(pagoda);
    return {
      model,
      pagoda,
      versus,
      length: mine.length,
      firstDivergence: firstDivergence(mine, first(versus)),
    };
  });
}

/** One line per comparison: identical, or where the tokens first differ. */
export function describeGreedy(g: GreedyMatch): string {
  const same =
    g.firstDivergence === g.length ? "identical" : `first difference at token ${g.firstDivergence}`;
  return `greedy ${g.model} decode-1, ${g.pagoda} vs ${g.versus}: ${g.length} tokens, ${same}`;
}
