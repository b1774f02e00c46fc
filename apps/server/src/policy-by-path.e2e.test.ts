import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runBench as bench } from "./testing/run-bench.js";

// The acceptance test of policies by path: the scheduler's example policy, copied into a temp
// folder as a user's own project, passes the shipped conformance suite in its own vitest run, and
// changes the order `pagoda serve` and `pagoda bench sim` serve requests in.
const appDir = fileURLToPath(new URL("..", import.meta.url));
const repo = join(appDir, "../..");
const examples = join(repo, "packages/scheduler/examples");

const project = mkdtempSync(join(tmpdir(), "pagoda-user-policy-"));
writeFileSync(join(project, "package.json"), '{ "name": "my-policies", "type": "module" }\n');
for (const f of ["shortest-first.js", "shortest-first.test.js"])
  copyFileSync(join(examples, f), join(project, f));
// As `npm install @pagoda/scheduler` would: the package (its built dist) under node_modules.
mkdirSync(join(project, "node_modules/@pagoda"), { recursive: true });
symlinkSync(join(repo, "packages/scheduler"), join(project, "node_modules/@pagoda/scheduler"), "dir");
const policy = join(project, "shortest-first.js");
// Each prompt token counts as arriving a second later: with one seat, short prompts go first.
const OPTIONS = '{"msPerToken": 1000}';

function startServe(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "serve", ...args], {
    cwd: appDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stdout?.resume();
  return new Promise((resolve, reject) => {
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /listening at (http:\/\/\S+)/.exec(err);
      if (m) resolve({ child, url: m[1] as string });
    });
    child.once("exit", (code) => reject(new Error(`pagoda serve exited with ${code}: ${err}`)));
  });
}

async function untilReady(url: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await fetch(`${url}/health`)).status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the server never became ready");
}

function complete(url: string, prompt: string, maxTokens: number, stream = false): Promise<Response> {
  return fetch(`${url}/v1/completions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ model: "stories260K", prompt, max_tokens: maxTokens, ignore_eos: true, stream }),
  });
}

describe("a policy module outside the repo", () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    child?.kill("SIGKILL");
    child = null;
  });

  it("passes the shipped conformance suite in its own vitest run", () => {
    const vitest = join(repo, "node_modules/vitest/vitest.mjs");
    const r = spawnSync(process.execPath, [vitest, "run", "--root", project, "--reporter", "verbose"], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    // The suite's cases, by name, from the package's shipped entry: all of them passed.
    expect(r.stdout).toContain("policy shortest-first passes the conformance suite");
    const [, passed, total] = /Tests\s+(\d+) passed \((\d+)\)/.exec(r.stdout) ?? [];
    expect(Number(passed)).toBeGreaterThanOrEqual(5);
    expect(passed).toBe(total);
  }, 120_000);

  it.each([
    [policy, ["short", "long"]],
    ["fcfs", ["long", "short"]],
  ])(
    "orders pagoda serve's queue (--policy %s)",
    async (spec, expected) => {
      const args = [
        "--port",
        "0",
        "--device",
        "cpu",
        "--threads",
        "1",
        "--max-num-seqs",
        "1",
        "--policy",
        spec,
      ];
      const cli = await startServe(spec === "fcfs" ? args : [...args, "--policy-options", OPTIONS]);
      child = cli.child;
      await untilReady(cli.url);
      // One seat, held by a long generation while the other two queue: the long prompt first.
      const hold = await complete(cli.url, "Once upon a time", 400, true);
      const reader = (hold.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      const finished: string[] = [];
      const send = async (name: string, prompt: string) => {
        expect((await complete(cli.url, prompt, 4)).status).toBe(200);
        finished.push(name);
      };
      const long = send("long", "The little dog ran to the park and saw a big red ball near the old tree.");
      await new Promise((r) => setTimeout(r, 30));
      const short = send("short", "Tom");
      while (!(await reader.read()).done);
      await Promise.all([long, short]);
      expect(finished).toEqual(expected);
    },
    60_000,
  );

  it("fails pagoda serve in one line before it listens when the module is no policy", async () => {
    const bad = join(project, "not-a-policy.js");
    writeFileSync(bad, "export const x = 1;\n");
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/main.ts", "serve", "--port", "0", "--policy", bad],
      { cwd: appDir, encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      `pagoda: policy module ${bad} has no default export function (a policy factory: (options) => policy); it exports x`,
    );
  }, 60_000);

  it("runs in bench sim and lowers the mean TTFT against fcfs on mixed prompt lengths", async () => {
    const workload = [
      "--num-prompts",
      "200",
      "--request-rate",
      "20",
      "--input-len",
      "1024",
      "--range-ratio",
      "0.9",
    ];
    const common = ["sim", ...workload, "--output-len", "64", "--max-num-seqs", "8", "--json"];
    const mine = await bench([...common, "--policy", policy, "--policy-options", OPTIONS]);
    const fcfs = await bench([...common, "--policy", "fcfs"]);
    expect(mine.code, mine.err).toBe(0);
    expect(fcfs.code, fcfs.err).toBe(0);
    const [m, f] = [JSON.parse(mine.out), JSON.parse(fcfs.out)];
    expect(m.policy).toBe(policy);
    expect(m.completed).toBe(200);
    expect(m.ttft_ms.mean).toBeLessThan(f.ttft_ms.mean);
  }, 60_000);
});
