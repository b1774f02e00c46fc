import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { PlaygroundError } from "../errors.js";

/** Debian's Chromium, which CI installs with .ci/install-chromium.sh; PAGODA_CHROMIUM overrides. */
export const CHROMIUM_PATH = process.env.PAGODA_CHROMIUM ?? "/usr/bin/chromium";

/** True when this run must not skip browser tests (CI sets CI=true). */
export const BROWSER_REQUIRED = process.env.CI === "true" || process.env.CI === "1";

/** Whether the Chromium binary is there. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Starts headless Chromium with the flags a sandboxless CI box needs and no network chatter. */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable()) {
    throw new PlaygroundError(
      "e2e.no_chromium",
      `no Chromium at ${CHROMIUM_PATH}: run \`bash .ci/install-chromium.sh\` (or set PAGODA_CHROMIUM)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
