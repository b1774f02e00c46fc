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

/**
 * Flags that give headless Chromium WebGPU without a GPU: Dawn on SwiftShader, Chromium's own
 * CPU Vulkan (the adapter reports vendor "google", architecture "swiftshader").
 */
const WEBGPU_FLAGS = [
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan",
  "--use-vulkan=swiftshader",
  "--use-webgpu-adapter=swiftshader",
  "--use-angle=swiftshader",
  "--disable-vulkan-surface",
];

/**
 * Starts headless Chromium with the flags a sandboxless CI box needs and no network chatter;
 * `webgpu` adds `navigator.gpu` on SwiftShader (pages on http://127.0.0.1 only: a secure context).
 */
export async function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
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
      ...(options.webgpu ? WEBGPU_FLAGS : ["--disable-gpu"]),
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
