import type { Page } from "playwright-core";

/** What the page showed between {@link startRecording} and {@link readRecording}. */
export interface Recording {
  /** Lengths of the completion text seen while its status was `streaming`. */
  streamingLengths: number[];
  /** The most non-reserved used blocks seen at once. */
  maxUsed: number;
  /** Every holder seen on a used block, with the computed colour of its blocks. */
  holderColors: Record<string, string[]>;
  /** The most distinct holders seen in the block map at once. */
  maxHolders: number;
  /** The most blocks marked shared (held by more than one table) seen at once. */
  maxShared: number;
  /** Sample marks (`id#k` holders) seen on blocks. */
  sawSampleMark: boolean;
}

declare global {
  interface Window {
    __pagodaRecording?: Recording;
  }
}

/**
 * Watches the DOM in the page (a MutationObserver sees every rendered state, however brief,
 * where polling from the test could miss one) and records what the assertions need.
 */
export async function startRecording(page: Page): Promise<void> {
  await page.evaluate(() => {
    const rec: Recording = {
      streamingLengths: [],
      maxUsed: 0,
      holderColors: {},
      maxHolders: 0,
      maxShared: 0,
      sawSampleMark: false,
    };
    window.__pagodaRecording = rec;
    const look = () => {
      const out = document.querySelector<HTMLElement>('[data-testid="completion-output"]');
      if (out?.dataset.status === "streaming") {
        const n = out.textContent?.length ?? 0;
        if (n > 0 && !rec.streamingLengths.includes(n)) rec.streamingLengths.push(n);
      }
      const used = document.querySelectorAll<HTMLElement>(
        '[data-testid="kv-block-map"] [data-state="used"]:not([data-reserved])',
      );
      rec.maxUsed = Math.max(rec.maxUsed, used.length);
      const holders = new Set<string>();
      for (const block of used) {
        const holder = block.dataset.holder;
        if (!holder) continue;
        holders.add(holder);
        const colors = rec.holderColors[holder] ?? [];
        rec.holderColors[holder] = colors;
        const color = getComputedStyle(block).backgroundColor;
        if (!colors.includes(color)) colors.push(color);
      }
      rec.maxHolders = Math.max(rec.maxHolders, holders.size);
      const map = document.querySelector('[data-testid="kv-block-map"]');
      rec.maxShared = Math.max(rec.maxShared, map?.querySelectorAll("[data-shared]").length ?? 0);
      rec.sawSampleMark ||= (map?.querySelector("[data-sample]") ?? null) !== null;
    };
    new MutationObserver(look).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
    look();
  });
}

/** The recording so far. */
export async function readRecording(page: Page): Promise<Recording> {
  const rec = await page.evaluate(() => window.__pagodaRecording);
  if (!rec) throw new Error("startRecording was not called on this page");
  return rec;
}

/** Non-reserved used blocks in the map right now. */
export function usedBlockCount(page: Page): Promise<number> {
  return page.locator('[data-testid="kv-block-map"] [data-state="used"]:not([data-reserved])').count();
}
