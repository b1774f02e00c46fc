import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { dirname } from "node:path";
import type { AccuracyRow } from "./accuracy-report.js";
import type { GreedyMatch, PeerRow } from "./report.js";
import type { RssRecord } from "./rss.js";

/** Everything one `bench:peers` run measured, as written to `bench-out/`. */
export interface PeersResults {
  date: string;
  options: Record<string, unknown>;
  uptime: { before: string; after?: string };
  /** False while rows are still being measured (the file is rewritten after each row). */
  complete: boolean;
  rows: readonly PeerRow[];
  greedy: readonly GreedyMatch[];
  accuracy: readonly AccuracyRow[];
  rss: readonly RssRecord[];
  table?: string;
  accuracyTable?: string;
  rssTable?: string;
}

/** Writes `results` as JSON (runs without their token ids), so an interrupted run keeps its rows. */
export async function writeResults(file: string, results: PeersResults): Promise<void> {
  const out = {
    ...results,
    load_average_now: loadavg(),
    rows: results.rows.map((r) => ({
      model: r.model,
      scenario: r.scenario,
      medians: r.medians,
      runs: r.records.map(({ result: { outputs: _, ...result }, ...rec }) => ({ ...rec, result })),
    })),
  };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
}
