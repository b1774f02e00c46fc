import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/**
 * Per describe block: a fresh temporary folder (named from `prefix`) made before the tests and
 * removed with its contents after; read `path` inside hooks and tests, not at collection time.
 */
export function useTempDir(prefix: string): { readonly path: string } {
  const held = { path: "" };
  beforeAll(async () => {
    held.path = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(held.path, { recursive: true, force: true });
  });
  return held;
}
