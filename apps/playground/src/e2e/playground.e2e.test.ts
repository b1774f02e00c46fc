import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { PlaygroundError } from "../errors.js";
import { buildPlayground, PACKAGE_DIR } from "./build-playground.js";
import { BROWSER_REQUIRED, CHROMIUM_PATH, chromiumAvailable, launchChromium } from "./chromium.js";
import { readRecording, startRecording, usedBlockCount } from "./page-recorder.js";
import { type PlaygroundServer, startPlaygroundServer } from "./playground-server.js";

// The page against the real server (stories260K on the CPU) in real Chromium. Without Chromium
// the suite is skipped with a warning on a developer's machine, and fails in CI (CI=true).
const haveChromium = chromiumAvailable();
if (!haveChromium && !BROWSER_REQUIRED) {
  console.warn(
    `\n!!! SKIPPING the playground browser test: no Chromium at ${CHROMIUM_PATH}` +
      " (install it with `bash .ci/install-chromium.sh`; CI=true makes this a failure)\n",
  );
}
if (!haveChromium && BROWSER_REQUIRED) {
  it("finds Chromium, which CI=true requires", async () => {
    // Throws `e2e.no_chromium` naming the path and the install script.
    await launchChromium();
  });
}

const SCREENSHOT = join(PACKAGE_DIR, "docs", "screenshot.png");

describe.runIf(haveChromium)("playground in Chromium against a real server", () => {
  let outDir = "";
  let browser: Browser | null = null;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "pagoda-playground-"));
    // Chromium starts while Vite builds; kept in `browser` as soon as it is up, so afterAll
    // closes it even when the build fails.
    const launching = launchChromium().then((b) => {
      browser = b;
      return b;
    });
    launching.catch(() => {});
    await buildPlayground(outDir);
    await launching;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** Starts a server (closed after the suite) and opens the page on it once the feed is live. */
  async function openPlayground(
    options: { chatTemplate?: string } = {},
  ): Promise<{ page: Page; server: PlaygroundServer }> {
    if (!browser)
      throw new PlaygroundError("e2e.no_browser", "Chromium did not start (see the beforeAll error)");
    const server = await startPlaygroundServer(outDir, options);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("pageerror", (err) => console.error(`page error: ${err.message}`));
    await page.goto(`${server.url}/playground/`);
    await page.locator('[data-testid="feed-status"][data-status="live"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="kv-block-map"] .block').first().waitFor({ timeout: 10_000 });
    // Chat detection has answered (shown or hidden) before any test request starts.
    await page
      .locator('[data-testid="chat-status"][data-chat]')
      .waitFor({ state: "attached", timeout: 10_000 });
    return { page, server };
  }

  describe("stories260K, which has no chat template", () => {
    let server: PlaygroundServer | null = null;
    let page: Page;

    beforeAll(async () => {
      ({ page, server } = await openPlayground());
    }, 30_000);

    afterAll(async () => {
      await page?.close();
      await server?.close();
    });

    /** On failure, says what the page showed: a timeout alone does not tell which part stalled. */
    const explainFailure = () =>
      onTestFailed(async () => {
        const text = (id: string) =>
          page
            .getByTestId(id)
            .textContent({ timeout: 1000 })
            .catch(() => "?");
        console.error(
          `page at failure — feed: ${await text("feed-status")}; completion: ${await text("completion-timing")};` +
            ` used blocks: ${await usedBlockCount(page).catch(() => "?")}; runs: ${await text("concurrent-list")}`,
        );
        await page.screenshot({ path: join(outDir, "failure.png"), fullPage: true }).catch(() => {});
      });

    it("streams a completion, shows its blocks while it runs and frees them after", async () => {
      explainFailure();
      // Without a template the chat tab stays hidden and the page says why.
      expect(await page.getByTestId("mode-tabs").count()).toBe(0);
      expect(await page.getByTestId("chat-status").getAttribute("data-chat")).toBe("false");
      await page.getByTestId("prompt-input").fill("Once upon a time");
      await page.getByTestId("max-tokens-input").fill("300");
      await page.getByTestId("seed-input").fill("7");
      await page.getByTestId("ignore-eos-input").check();
      await startRecording(page);
      await page.getByTestId("send-button").click();

      const output = page.getByTestId("completion-output");
      await output.and(page.locator('[data-status="done"]')).waitFor({ timeout: 30_000 });
      const requestId = await output.getAttribute("data-request-id");
      expect(requestId).toMatch(/^cmpl-/);
      expect((await output.textContent())?.length ?? 0).toBeGreaterThan(50);

      const rec = await readRecording(page);
      // Text arrived in pieces, not all at once at the end.
      expect(rec.streamingLengths.length).toBeGreaterThan(2);
      // The request held blocks in the map while it ran, coloured as its own.
      expect(rec.maxUsed).toBeGreaterThan(0);
      expect(Object.keys(rec.holderColors)).toContain(requestId);

      // Once it ends, its blocks are released (kept as cached prefixes or freed).
      await expect.poll(() => usedBlockCount(page), { timeout: 10_000 }).toBe(0);
      expect(await page.locator('[data-testid="kv-block-map"] [data-holder]').count()).toBe(0);
      await expect
        .poll(() => page.locator('[data-testid="metrics-panel"] [data-stat="finished"] dd').textContent())
        .not.toBe("0");
    }, 40_000);

    it("batches concurrent requests and colours each one differently", async () => {
      explainFailure();
      await page.getByTestId("max-tokens-input").fill("160");
      await page.getByTestId("seed-input").fill("");
      await page.getByTestId("concurrent-input").fill("4");
      await startRecording(page);
      await page.getByTestId("launch-button").click();

      // The screenshot for the README, taken while several requests share the cache and have
      // grown past their first blocks.
      await page.waitForFunction(
        () => {
          const used = document.querySelectorAll('[data-testid="kv-block-map"] [data-holder]').length;
          return (window.__pagodaRecording?.maxHolders ?? 0) >= 3 && used >= 12;
        },
        null,
        { timeout: 20_000 },
      );
      mkdirSync(join(PACKAGE_DIR, "docs"), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      const rows = page.locator('[data-testid="concurrent-list"] li');
      await expect.poll(() => rows.count()).toBe(4);
      await expect
        .poll(() => page.locator('[data-testid="concurrent-list"] li[data-status="done"]').count(), {
          timeout: 30_000,
        })
        .toBe(4);
      const ids = await rows.evaluateAll((lis) => lis.map((li) => li.getAttribute("data-request-id")));

      const rec = await readRecording(page);
      expect(rec.maxHolders).toBeGreaterThanOrEqual(3);
      const seen = Object.entries(rec.holderColors);
      for (const [holder, colors] of seen) {
        expect(ids).toContain(holder);
        expect(colors).toHaveLength(1);
      }
      const colors = seen.map(([, c]) => c[0]);
      expect(new Set(colors).size).toBe(colors.length);
      await expect.poll(() => usedBlockCount(page), { timeout: 10_000 }).toBe(0);
    }, 45_000);

    it("runs n samples of one request on forked blocks: shared prompt blocks marked, one colour", async () => {
      explainFailure();
      // About 40 prompt tokens: two full blocks the samples share by fork before they diverge.
      await page
        .getByTestId("prompt-input")
        .fill(
          "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends every day.",
        );
      await page.getByTestId("max-tokens-input").fill("120");
      await page.getByTestId("concurrent-input").fill("3");
      await page.getByTestId("concurrent-mode").selectOption("samples");
      await startRecording(page);
      await page.getByTestId("launch-button").click();

      const rows = page.locator('[data-testid="concurrent-list"] li');
      await expect
        .poll(() => page.locator('[data-testid="concurrent-list"] li[data-status="done"]').count(), {
          timeout: 30_000,
        })
        .toBe(3);
      const ids = await rows.evaluateAll((lis) => lis.map((li) => li.getAttribute("data-request-id") ?? ""));
      const parent = ids[0] ?? "";
      expect(ids).toEqual([parent, `${parent}#1`, `${parent}#2`]);

      const rec = await readRecording(page);
      expect(rec.maxShared).toBeGreaterThan(0);
      expect(rec.sawSampleMark).toBe(true);
      // Every sample's blocks take the parent request's colour.
      const colors = new Set(Object.values(rec.holderColors).flat());
      expect(colors.size).toBe(1);
      await expect.poll(() => usedBlockCount(page), { timeout: 10_000 }).toBe(0);
    }, 45_000);

    it("resets the prefix cache from the KV panel; the server refuses while a request holds blocks", async () => {
      explainFailure();
      const cached = () => page.locator('[data-testid="kv-block-map"] .block[data-state="cached"]').count();
      // The earlier requests left their prompts cached in free blocks.
      await expect.poll(cached, { timeout: 10_000 }).toBeGreaterThan(0);

      await page.getByTestId("max-tokens-input").fill("400");
      await page.getByTestId("send-button").click();
      await expect.poll(() => usedBlockCount(page), { timeout: 10_000 }).toBeGreaterThan(0);
      await page.getByTestId("reset-prefix-cache").click();
      const status = page.getByTestId("reset-status");
      await expect.poll(() => status.getAttribute("data-ok"), { timeout: 10_000 }).toBe("false");
      expect(await status.textContent()).toMatch(/409: .*in use/);
      await page.getByTestId("stop-button").click();
      await expect.poll(() => usedBlockCount(page), { timeout: 10_000 }).toBe(0);

      await page.getByTestId("reset-prefix-cache").click();
      await expect.poll(() => status.getAttribute("data-ok"), { timeout: 10_000 }).toBe("true");
      await expect.poll(cached, { timeout: 10_000 }).toBe(0);
    }, 45_000);
  });

  describe("stories260K served with a chat template", () => {
    let server: PlaygroundServer | null = null;
    let page: Page;

    beforeAll(async () => {
      ({ page, server } = await openPlayground({
        chatTemplate: "{% for m in messages %}{{ m.content }}\n{% endfor %}",
      }));
    }, 30_000);

    afterAll(async () => {
      await page?.close();
      await server?.close();
    });

    it("offers chat, streams a reply and keeps the conversation", async () => {
      await page.getByTestId("mode-tabs").getByRole("button", { name: "chat" }).click();
      await page.getByTestId("max-tokens-input").fill("40");
      await page.getByTestId("prompt-input").fill("Tell me a story about a cat.");
      await page.getByTestId("send-button").click();

      const output = page.getByTestId("completion-output");
      await output.and(page.locator('[data-status="done"]')).waitFor({ timeout: 20_000 });
      expect(await output.getAttribute("data-request-id")).toMatch(/^chatcmpl-/);
      const reply = (await output.textContent()) ?? "";
      expect(reply.length).toBeGreaterThan(0);
      const turns = page.getByTestId("chat-transcript").locator("li");
      await expect.poll(() => turns.allTextContents()).toEqual(["Tell me a story about a cat.", reply]);
    }, 30_000);
  });
});
