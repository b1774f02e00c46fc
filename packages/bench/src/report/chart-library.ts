import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { ChartLibrary } from "./html.js";

/** Reads uPlot's minified browser build and stylesheet from node_modules, for inlining (Node only). */
export async function loadChartLibrary(): Promise<ChartLibrary> {
  const require = createRequire(import.meta.url);
  const dir = require.resolve("uplot/package.json").replace(/package\.json$/, "dist/");
  const [js, css] = await Promise.all([
    readFile(`${dir}uPlot.iife.min.js`, "utf8"),
    readFile(`${dir}uPlot.min.css`, "utf8"),
  ]);
  return { js, css };
}
