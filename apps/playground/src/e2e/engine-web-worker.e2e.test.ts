import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_REQUIRED, CHROMIUM_PATH, chromiumAvailable, launchChromium } from "./chromium.js";
import { TEST_MODEL } from "./playground-server.js";
import { type StaticServer, startStaticServer } from "./static-server.js";
import type { PageResult } from "./web-worker/page.js";

// @pagoda/engine's browser path for real: the engine core in a module Web Worker in Chromium,
// driven from the page by WorkerEngine over webPort, the model fetched over HTTP. Skipped with a
// warning without Chromium on a developer's machine; a failure under CI=true (see the playground
// test, which reports the missing browser).
const haveChromium = chromiumAvailable();
if (!haveChromium && !BROWSER_REQUIRED) {
  console.warn(`\n!!! SKIPPING the engine Web Worker browser test: no Chromium at ${CHROMIUM_PATH}\n`);
}

const FIXTURE = fileURLToPath(new URL("./web-worker/", import.meta.url));
const GOLDEN = fileURLToPath(
  new URL("../../../../../shared/golden/stories260K-greedy.json", import.meta.url),
);
const GOLDEN_STOP = 1; // the reference run stops on BOS

interface Case {
  prompt: string;
  completion_ids: number[];
}

describe.runIf(haveChromium || BROWSER_REQUIRED)("@pagoda/engine in a Web Worker, in Chromium", () => {
  let outDir = "";
  let browser: Browser | null = null;
  let server: StaticServer | null = null;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "pagoda-web-worker-"));
    const launching = launchChromium().then((b) => {
      browser = b;
      return b;
    });
    launching.catch(() => {});
    await build({
      root: FIXTURE,
      configFile: false,
      logLevel: "warn",
      base: "/",
      worker: { format: "es" },
      build: { outDir, emptyOutDir: true },
    });
    server = await startStaticServer({ "/models/stories260K": TEST_MODEL, "/": outDir });
    page = await (await launching).newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    // The worker asks for every file a model may have; the 404s of those stories260K lacks are
    // logged by Chromium as console errors, and are not failures.
    page.on("console", (msg) => {
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
        pageErrors.push(msg.text());
    });
    await page.goto(`${server.url}/`);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("loads stories260K in the worker and answers with its sizes", async () => {
    const info = await page.evaluate(() => window.pagodaTest.ready());
    expect(info.device).toBe("cpu");
    expect(info.maxModelLen).toBe(512);
    expect(info.numBlocks).toBeGreaterThan(1);
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it("streams the golden greedy continuations of several prompts batched together", async () => {
    const cases = (JSON.parse(readFileSync(GOLDEN, "utf8")) as { cases: Case[] }).cases.slice(0, 5);
    const results: PageResult[] = await page.evaluate(
      ([prompts, stop]) => window.pagodaTest.greedy(prompts, 60, [stop]),
      [cases.map((c) => c.prompt), GOLDEN_STOP] as [string[], number],
    );
    expect(results).toHaveLength(cases.length);
    results.forEach((r, i) => {
      const want = cases[i]?.completion_ids ?? [];
      const got = r.finishReason === "stop" ? r.tokenIds.slice(0, -1) : r.tokenIds;
      expect(got).toEqual(want.slice(0, got.length));
      // Either the full 60 tokens, or the run ended where the golden one does (EOS).
      expect(r.finishReason === "length" ? got.length : want.indexOf(r.tokenIds.at(-1) ?? -1)).toBe(
        r.finishReason === "length" ? 60 : got.length,
      );
      expect(r.text.length).toBeGreaterThan(0);
    });
    expect(results.filter((r) => r.finishReason === "length").length).toBeGreaterThan(0);
  }, 60_000);

  it("aborts a running request and frees its blocks at once", async () => {
    const r = await page.evaluate(() => window.pagodaTest.abortMidway("Once upon a time"));
    expect(r.usedWhileRunning).toBeGreaterThan(0);
    expect(r.aborted).toBe(true);
    expect(r.finishReason).toBe("abort");
    expect(r.usedAfter).toBe(0);
    expect(r.tablesAfter).toEqual([]);
  }, 30_000);

  it("keeps the page's thread free while the worker computes", async () => {
    // 8 requests of 200 tokens take a few hundred ms of engine steps; on the page a 10 ms timer
    // keeps firing meanwhile (an engine on the page's thread would hold it for whole steps).
    const lateness = await page.evaluate(() => window.pagodaTest.timerLatenessMs(Array(8).fill("Once")));
    expect(lateness).toBeLessThan(100);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
