#!/usr/bin/env node
// `pnpm test`: installs if needed, runs every package's tests through turbo (which builds what
// they depend on), then prints one closing line for the whole repository from the JSON reports
// vitest wrote in each package.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const workspaces = ["packages", "apps"].flatMap((dir) =>
  readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(root, dir, e.name)),
);
const reportOf = (ws) => join(ws, ".vitest-report.json");
for (const ws of workspaces) rmSync(reportOf(ws), { force: true });

const sh = (args) => spawnSync("pnpm", args, { cwd: root, stdio: "inherit" }).status ?? 1;
let code = spawnSync("node", [join(root, "scripts/setup.mjs")], { stdio: "inherit" }).status ?? 1;
// A cache hit restores the report with the replayed log (turbo.json lists it as an output).
if (code === 0) code = sh(["exec", "turbo", "run", "test", "--concurrency=3", ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const ws of workspaces) {
  if (!existsSync(join(ws, "package.json"))) continue;
  if (!existsSync(reportOf(ws))) {
    missing.push(ws.slice(root.length + 1));
    continue;
  }
  const r = JSON.parse(readFileSync(reportOf(ws), "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}
if (missing.length > 0) console.log(`no test report from: ${missing.join(", ")}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code !== 0 ? code : failed > 0 || missing.length > 0 ? 1 : 0);
