#!/usr/bin/env node
// Makes a fresh clone runnable: installs dependencies when node_modules is missing or older than
// the lockfile, and with `--build <dir>` builds that workspace and everything it depends on.
// Used by `pnpm test` and `pnpm pagoda`, so the README's quick start needs no separate set-up.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });

const marker = join(root, "node_modules", ".modules.yaml");
const lock = join(root, "pnpm-lock.yaml");
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  console.error("pagoda: installing dependencies (pnpm install --frozen-lockfile)…");
  run("pnpm", ["install", "--frozen-lockfile"]);
}

const i = process.argv.indexOf("--build");
if (i >= 0) {
  const dir = process.argv[i + 1];
  if (!dir) throw new Error("--build needs a workspace folder");
  run("pnpm", [
    "exec",
    "turbo",
    "run",
    "build",
    `--filter=./${dir}...`,
    "--output-logs=errors-only",
    "--log-prefix=none",
  ]);
}
