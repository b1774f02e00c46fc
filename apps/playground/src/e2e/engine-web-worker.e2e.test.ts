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

/** The built test page and the model, served on 127.0.0.1 (a secure context, as WebGPU needs). */
let outDir = "";
let server: StaticServer | null = null;

beforeAll(async () => {
  if (!haveChromium && !BROWSER_REQUIRED) return;
  outDir = mkdtempSync(join(tmpdir(), "pagoda-web-worker-"));
  await build({
    root: FIXTURE,
    configFile: false,
    logLevel: "warn",
    base: "/",
    worker: { format: "es" },
    build: { outDir, emptyOutDir: true },
  });
  server = await startStaticServer({ "/models/stories260K": TEST_MODEL, "/": outDir });
}, 90_000);

afterAll(async () => {
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** One browser, one page whose worker runs the engine on `device`; collects the page's errors. */
function openPage(device: "cpu" | "webgpu") {
  const ctx = { page: null as Page | null, browser: null as Browser | null, errors: [] as string[] };
  beforeAll(async () => {
    ctx.browser = await launchChromium({ webgpu: device === "webgpu" });
    const page = await ctx.browser.newPage();
    page.on("pageerror", (err) => ctx.errors.push(err.message));
    // The loaders ask for files a model may have (tokenizer.model, chat_template.jinja, …); the
    // 404s of those stories260K lacks are logged by Chromium as console errors, not failures.
    page.on("console", (msg) => {
      if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource"))
        ctx.errors.push(msg.text());
    });
    await page.goto(`${server?.url}/?device=${device}`);
    ctx.page = page;
  }, 30_000);
  afterAll(async () => {
    await ctx.browser?.close();
  });
  const page = (): Page => {
    if (ctx.page === null) throw new Error("the page did not open (see the beforeAll error)");
    return ctx.page;
  };
  return { page, errors: ctx.errors };
}

const goldenCases = () => (JSON.parse(readFileSync(GOLDEN, "utf8")) as { cases: Case[] }).cases.slice(0, 5);

/** Five golden prompts batched; each continuation must be the golden one, token for token. */
async function expectGolden(page: Page): Promise<void> {
  const cases = goldenCases();
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
}

async function expectAbortFrees(page: Page): Promise<void> {
  const r = await page.evaluate(() => window.pagodaTest.abortMidway("Once upon a time"));
  expect(r.usedWhileRunning).toBeGreaterThan(0);
  expect(r.aborted).toBe(true);
  expect(r.finishReason).toBe("abort");
  expect(r.usedAfter).toBe(0);
  expect(r.tablesAfter).toEqual([]);
}

describe.runIf(haveChromium || BROWSER_REQUIRED)("@pagoda/engine in a Web Worker, CPU executor", () => {
  const { page, errors } = openPage("cpu");

  it("loads stories260K in the worker over HTTP, weights by byte range, and answers with its sizes", async () => {
    const info = await page().evaluate(() => window.pagodaTest.ready());
    expect(info).toMatchObject({ device: "cpu", maxModelLen: 512, blockSize: 16 });
    // The page is cross-origin isolated, so the WebAssembly kernels run on a worker pool.
    expect(info.threads).toBeGreaterThan(1);
    expect(info.numBlocks).toBeGreaterThan(1);
    const weights = (server?.requests ?? []).filter((r) => r.includes("model.safetensors"));
    expect(weights.some((r) => r.startsWith("HEAD "))).toBe(true);
    expect(weights.filter((r) => r.includes("bytes=")).length).toBeGreaterThan(10);
    expect(weights.some((r) => r.startsWith("GET ") && !r.includes("bytes="))).toBe(false);
    expect(errors).toEqual([]);
  }, 30_000);

  it("streams the golden greedy continuations of several prompts batched together", async () => {
    await expectGolden(page());
  }, 60_000);

  it("constrains a request with a grammar inside the worker (xgrammar's WebAssembly in a Web Worker)", async () => {
    const choices = ["the dog", "a red ball", "Lily"];
    for (let i = 0; i < 3; i++) {
      const r = await page().evaluate(([p, c]) => window.pagodaTest.guidedChoice(p, c), [
        "Once upon a time",
        choices,
      ] as [string, string[]]);
      expect(choices).toContain(r.text);
      expect(r.finishReason).toBe("stop");
    }
    expect(errors).toEqual([]);
  }, 60_000);

  it("aborts a running request and frees its blocks at once", async () => {
    await expectAbortFrees(page());
  }, 30_000);

  it("keeps the page's thread free while the worker computes, unlike the same engine on the page", async () => {
    // Twelve distinct ~260-token prompts: the engine prefills them in one step of up to 4,096
    // tokens, which holds whatever thread it runs on for a long while. A 10 ms timer on the page measures the hold.
    const story = "Once upon a time, there was a little girl named Lily. She loved to play outside. ";
    const prompts = Array.from({ length: 12 }, (_, i) => `${i} ${story.repeat(16)}`);
    const lag = await page().evaluate((p) => window.pagodaTest.timerLateness(p), prompts);
    expect(lag.inPage).toBeGreaterThan(100);
    expect(lag.worker).toBeLessThan(lag.inPage / 3);
    expect(errors).toEqual([]);
  }, 60_000);
});

// WebGPU in the browser, as WebLLM runs: the worker's navigator.gpu (Chromium's SwiftShader
// here, a real GPU on a user's machine) under the same WebGPU executor as Node's Dawn.
describe.runIf(haveChromium || BROWSER_REQUIRED)("@pagoda/engine in a Web Worker, WebGPU executor", () => {
  const { page, errors } = openPage("webgpu");

  it("builds the WebGPU executor on the worker's navigator.gpu", async () => {
    const info = await page().evaluate(() => window.pagodaTest.ready());
    expect(info.device).toBe("webgpu");
    expect(errors).toEqual([]);
  }, 60_000);

  it("streams the golden greedy continuations on the GPU, token for token", async () => {
    await expectGolden(page());
  }, 120_000);

  it("aborts a running request and frees its blocks at once", async () => {
    await expectAbortFrees(page());
    expect(errors).toEqual([]);
  }, 60_000);
});
