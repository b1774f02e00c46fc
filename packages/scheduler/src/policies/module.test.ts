import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isPagodaError } from "@pagoda/errors";
import { afterAll, describe, expect, it } from "vitest";
import { Harness, prompt } from "../conformance/harness.js";
import { isPolicyModule, registerPolicyModule } from "./module.js";
import { createPolicy, unregisterPolicy } from "./registry.js";

const dir = mkdtempSync(join(tmpdir(), "pagoda-policy-"));
const loaded: string[] = [];

// Writes `source` as an ES module in the temp folder; returns its name and file URL.
function moduleFile(file: string, source: string): [string, string] {
  const path = join(dir, file);
  writeFileSync(path, source);
  loaded.push(`./${file}`);
  return [`./${file}`, pathToFileURL(path).href];
}

async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (isPagodaError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  return { code: "no error", message: "" };
}

afterAll(() => {
  for (const name of loaded) unregisterPolicy(name);
});

// Longest prompt first: the opposite of arrival order when prompts grow.
const LONGEST_FIRST = `export default function create(options) {
  const by = options.by ?? "length";
  return {
    name: "longest-first",
    compareWaiting: (a, b) => b.numPromptTokens - a.numPromptTokens || a.seq - b.seq,
    pickVictim: (c) => c.reduce((w, r) => (r.numPromptTokens < w.numPromptTokens ? r : w)),
    by,
  };
}
`;

describe("policy modules", () => {
  it("tells module paths and URLs from registered names", () => {
    for (const s of [
      "./mine.js",
      "../p/mine.mjs",
      "/abs/mine.js",
      "mine.js",
      "file:///x/mine.js",
      "C:\\p\\m.js",
    ]) {
      expect(isPolicyModule(s), s).toBe(true);
    }
    for (const s of ["fcfs", "vip-first", "my_policy"]) expect(isPolicyModule(s), s).toBe(false);
  });

  it("registers a module's default factory under its path and serves in its order", async () => {
    const [name, url] = moduleFile("longest.js", LONGEST_FIRST);
    await registerPolicyModule(name, url);
    expect(createPolicy(name).name).toBe("longest-first");
    const h = new Harness({
      numBlocks: 64,
      blockSize: 4,
      maxNumBatchedTokens: 64,
      maxNumSeqs: 1,
      policy: name,
    });
    h.add("short", prompt(2, 1), 1);
    h.add("long", prompt(9, 2), 1);
    h.add("mid", prompt(5, 3), 1);
    h.run();
    const order = h.outputs.flatMap((o) => o.scheduledNewReqs.map((r) => r.requestId));
    expect(order).toEqual(["long", "mid", "short"]);
  });

  it("refuses, in one line, a module that does not load or is no policy", async () => {
    const missing = await errorOf(
      registerPolicyModule("./nope.js", pathToFileURL(join(dir, "nope.js")).href),
    );
    expect(missing.code).toBe("scheduler.policy_load_failed");
    expect(missing.message).toMatch(/^policy module \.\/nope\.js failed to load: .+/);
    const syntax = await errorOf(
      registerPolicyModule(...moduleFile("syntax.js", "export default (o) => {\n")),
    );
    expect(syntax.code).toBe("scheduler.policy_load_failed");
    const throws = await errorOf(
      registerPolicyModule(...moduleFile("throws.js", 'throw new Error("no GPU here\\nsecond line");\n')),
    );
    expect(throws).toEqual({
      code: "scheduler.policy_load_failed",
      message: "policy module ./throws.js failed to load: Error: no GPU here",
    });
    const noDefault = await errorOf(registerPolicyModule(...moduleFile("named.js", "export const x = 1;\n")));
    expect(noDefault).toEqual({
      code: "scheduler.policy_invalid",
      message:
        "policy module ./named.js has no default export function (a policy factory: (options) => policy); it exports x",
    });
    for (const m of [missing, syntax, throws, noDefault]) expect(m.message).not.toContain("\n");
  });

  it("checks each policy the factory makes", async () => {
    const [name, url] = moduleFile(
      "half.js",
      'export default () => ({ name: "half", compareWaiting: () => 0 });\n',
    );
    await registerPolicyModule(name, url);
    let code = "no error";
    let message = "";
    try {
      createPolicy(name);
    } catch (err) {
      if (!isPagodaError(err)) throw err;
      ({ code, message } = err);
    }
    expect(code).toBe("scheduler.policy_invalid");
    expect(message).toBe("policy module ./half.js: the policy does not implement pickVictim()");
    const [picky, pickyUrl] = moduleFile(
      "picky.js",
      'export default (o) => { throw new Error("no option " + Object.keys(o)); };\n',
    );
    await registerPolicyModule(picky, pickyUrl);
    try {
      createPolicy(picky, { speed: 2 });
      message = "no error";
    } catch (err) {
      if (!isPagodaError(err)) throw err;
      ({ code, message } = err);
    }
    expect(code).toBe("scheduler.invalid_option");
    expect(message).toBe('policy module ./picky.js refused its options {"speed":2}: Error: no option speed');
  });
});
