import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeRandomModel } from "@pagoda/model-loaders";
import { prepareModel } from "../peers/models.js";

/** The real stories260K folder (5 layers, hidden 64, vocabulary 512). */
export const STORIES_DIR = fileURLToPath(
  new URL("../../../../../shared/models/stories260K", import.meta.url),
);

/**
 * The larger target of the draft-model case: a random Llama sharing stories260K's tokenizer
 * (vocabulary 512), hidden 512, 8 layers, so one of its steps costs far more than a draft step.
 * F32 like stories260K (the draft runs with the target's dtype options).
 */
export const BIG_LLAMA = {
  hiddenSize: 512,
  numLayers: 8,
  numHeads: 8,
  numKvHeads: 4,
  headDim: 64,
  intermediateSize: 1536,
  vocabSize: 512,
  maxPositionEmbeddings: 1024,
  bosTokenId: 1,
  eosTokenIds: [2],
} as const;

/** Writes the {@link BIG_LLAMA} folder once under `tmp`; returns its path. */
export async function bigLlamaDir(tmp: string): Promise<string> {
  const dir = join(tmp, "llama-512x8-stories-vocab");
  if (!existsSync(join(dir, ".complete"))) {
    console.error(`writing the random Llama (hidden 512, 8 layers, vocabulary 512) to ${dir}`);
    await writeRandomModel(dir, "llama", BIG_LLAMA, { seed: 21, tokenizerFrom: STORIES_DIR });
    await writeFile(join(dir, ".complete"), "");
  }
  return dir;
}

/** The SmolLM2-135M-shaped random model (F16, synthetic tokenizer) that bench:peers writes too. */
export async function smolLm2Dir(tmp: string): Promise<string> {
  return (await prepareModel("smollm2", tmp, [])).dir;
}
