import { fileURLToPath } from "node:url";
import { build } from "vite";

/** The playground package folder (this file is src/e2e/). */
export const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Builds the page with the package's own Vite config, so the test serves exactly what
 * `pnpm build` makes (turbo builds dependencies before tests, not the package itself).
 */
export async function buildPlayground(outDir: string): Promise<void> {
  await build({
    root: PACKAGE_DIR,
    configFile: `${PACKAGE_DIR}vite.config.ts`,
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
  });
}
