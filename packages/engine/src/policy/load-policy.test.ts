import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import type { RequestOutput } from "../core/types.js";
import { createEngine } from "../offline/create-engine.js";
import { storiesDir } from "../testing/stories.js";
import { spawnWorkerEngine } from "../worker/node/spawn.js";

// A policy written outside the repo: plain JavaScript in a temp folder, imported by path.
const dir = mkdtempSync(join(tmpdir(), "pagoda-engine-policy-"));
const policyFile = join(dir, "newest-first.js");
writeFileSync(
  policyFile,
  `// Newest first ("order": "lifo") or oldest first ("fifo").
export default function create(options) {
  const order = options.order ?? "fifo";
  if (order !== "lifo" && order !== "fifo") throw new Error("order must be lifo or fifo");
  const sign = order === "lifo" ? -1 : 1;
  const cmp = (a, b) => sign * (a.arrivalTime - b.arrivalTime || a.seq - b.seq);
  return {
    name: "newest-first",
    compareWaiting: cmp,
    pickVictim: (c) => c.reduce((w, r) => (cmp(r, w) > 0 ? r : w)),
  };
}
`,
);
writeFileSync(join(dir, "not-a-policy.js"), "export const helper = 1;\n");
// Plain Node detects ES module syntax in a typeless .js file; tsx's loader, which the worker runs
// under when the tests run from sources, needs the package type said.
writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
// Relative to the working directory, as a user types it on the command line.
const rel = (file: string) => {
  const path = relative(process.cwd(), join(dir, file));
  return path.startsWith("..") ? path : `./${path}`;
};

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isPagodaError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  return "no error";
}

async function finishOrder(submit: (id: string) => Promise<AsyncIterable<RequestOutput>>): Promise<string[]> {
  const order: string[] = [];
  const ids = ["a", "b", "c", "d"];
  const streams = await Promise.all(ids.map((id) => submit(id)));
  await Promise.all(
    streams.map(async (s, i) => {
      for await (const _ of s);
      order.push(ids[i] as string);
    }),
  );
  return order;
}

describe("policies by path", () => {
  it.each([
    ["fifo", ["a", "b", "c", "d"]],
    // One seat: `a` is admitted at once; then the newest waiting request goes first.
    ["lifo", ["a", "d", "c", "b"]],
  ])(
    "run in the worker thread with their options (order %s) and set the serving order",
    async (order, expected) => {
      const engine = await spawnWorkerEngine({
        model: storiesDir(),
        device: "cpu",
        threads: 1,
        maxNumSeqs: 1,
        policy: rel("newest-first.js"),
        policyOptions: { order },
      });
      try {
        const finished = await finishOrder((id) =>
          engine.submit({ requestId: id, prompt: `Once upon a time ${id}`, params: { max_tokens: 6 } }),
        );
        expect(finished).toEqual(expected);
      } finally {
        await engine.close();
      }
    },
    60_000,
  );

  it("fail the worker's start in one line when the module is missing or no policy", async () => {
    const base = { model: storiesDir(), device: "cpu" as const, threads: 1 };
    const missing = await codeOf(spawnWorkerEngine({ ...base, policy: rel("missing.js") }));
    expect(missing).toMatch(
      /^scheduler\.policy_load_failed: policy module .*missing\.js failed to load: [^\n]+$/,
    );
    const none = await codeOf(spawnWorkerEngine({ ...base, policy: rel("not-a-policy.js") }));
    expect(none).toBe(
      `scheduler.policy_invalid: policy module ${rel("not-a-policy.js")} has no default export function (a policy factory: (options) => policy); it exports helper`,
    );
    const options = await codeOf(
      spawnWorkerEngine({ ...base, policy: rel("newest-first.js"), policyOptions: { order: "up" } }),
    );
    expect(options).toMatch(/order must be lifo or fifo/);
  }, 60_000);

  it("are checked by createEngine before the weights load", async () => {
    const model = join(dir, "no-such-model");
    expect(await codeOf(createEngine({ model, policy: "nope" }))).toMatch(/^scheduler\.unknown_policy: /);
    expect(await codeOf(createEngine({ model, policy: "priority", policyOptions: { aging: 1 } }))).toMatch(
      /^scheduler\.invalid_option: /,
    );
    // A good policy gets as far as the model.
    expect(await codeOf(createEngine({ model, policy: rel("newest-first.js") }))).not.toMatch(/^scheduler\./);
  });
});
