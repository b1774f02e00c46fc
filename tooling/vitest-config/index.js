// Shared vitest set-up: every package has a `unit` project and a `gpu` project.
// GPU tests are the files named `*.gpu.test.ts`; they run in forked processes because Dawn's
// native addon holds per-process state, and a global set-up probes for an adapter once.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const gpuSetup = fileURLToPath(new URL("./gpu-setup.js", import.meta.url));

/** The vitest config every package uses; `overrides` reach both projects' `test` options. */
export function pagodaVitestConfig(overrides = {}) {
  return defineConfig({
    test: {
      // The JSON report feeds scripts/test.mjs, which prints one closing line for the whole repo.
      reporters: ["default", "json"],
      outputFile: { json: ".vitest-report.json" },
      projects: [
        {
          extends: true,
          test: {
            name: "unit",
            include: ["src/**/*.test.ts", "test/**/*.test.ts"],
            exclude: ["**/*.gpu.test.ts", "**/node_modules/**", "**/dist/**"],
            // CI runs three packages' tests at once on two cores (and the WASM kernels' own worker
            // threads on top): a test that takes 1 s alone can pass vitest's default 5 s there.
            testTimeout: 30_000,
            hookTimeout: 60_000,
            ...overrides,
          },
        },
        {
          extends: true,
          test: {
            name: "gpu",
            include: ["src/**/*.gpu.test.ts", "test/**/*.gpu.test.ts"],
            globalSetup: [gpuSetup],
            pool: "forks",
            testTimeout: 120_000,
            hookTimeout: 120_000,
            ...overrides,
          },
        },
      ],
    },
  });
}
