import { writeFile } from "node:fs/promises";
import { loadChartLibrary } from "./chart-library.js";
import { type Report, renderHtml } from "./html.js";

/** Writes `report` as a self-contained HTML page at `path` and as JSON beside it; returns both paths (Node only). */
export async function writeReport(path: string, report: Report): Promise<{ html: string; json: string }> {
  const json = `${path.replace(/\.html?$/i, "")}.json`;
  await writeFile(path, renderHtml(report, await loadChartLibrary()));
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  return { html: path, json };
}
