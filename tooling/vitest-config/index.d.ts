import type { UserConfig } from "vitest/config";
import type { TestUserConfig } from "vitest/node";

/** The vitest config every package uses; `overrides` reach both projects' `test` options. */
export function pagodaVitestConfig(overrides?: Partial<TestUserConfig>): UserConfig;
