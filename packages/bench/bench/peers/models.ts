import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  SMOLLM2_135M_SHAPE as SMOLLM2_135M,
  writeRandomModel,
  writeSyntheticTokenizer,
} from "@pagoda/model-loaders";
import { writeGguf } from "@pagoda/model-loaders/node";

/** GGUF storage types the comparison writes (model-loaders' writer: q4_k is Q4_K_M-like). */
export type GgufFormat = "f32" | "f16" | "q8_0" | "q4_0" | "q4_k";

/** Every {@link GgufFormat}. */
export const GGUF_FORMATS: readonly GgufFormat[] = ["f32", "f16", "q8_0", "q4_0", "q4_k"];

/** A model both systems run: Pagoda from the Hugging Face folder or a GGUF, llama.cpp from GGUFs of it. */
export interface PeerModel {
  readonly id: string;
  /** The Hugging Face folder (Pagoda's input and the GGUFs' source). */
  readonly dir: string;
  readonly ggufs: readonly { type: GgufFormat; path: string }[];
  /** What prompts may hold: BOS, then ids from `firstId` (above the specials and byte tokens). */
  readonly vocab: { vocabSize: number; bosTokenId: number | null; firstId: number };
  /** `max_position_embeddings`: prompt + output must fit. */
  readonly contextLength: number;
}

const STORIES = fileURLToPath(new URL("../../../../../shared/models/stories260K", import.meta.url));

/** Writes the SmolLM2-shaped random model (F16 weights, synthetic tokenizer) once into `dir`. */
async function writeSmolLm2(dir: string): Promise<void> {
  const done = join(dir, ".complete");
  if (existsSync(done)) return;
  console.error(`writing the SmolLM2-135M-shaped random model (F16) to ${dir}`);
  await writeRandomModel(dir, "llama", SMOLLM2_135M, { dtype: "F16", seed: 135 });
  await writeSyntheticTokenizer(dir, { vocabSize: SMOLLM2_135M.vocabSize });
  await writeFile(done, "");
}

/** The model `id` (`stories260K` or `smollm2`) with a fresh GGUF of each of `formats` in `tmp`. */
export async function prepareModel(
  id: string,
  tmp: string,
  formats: readonly GgufFormat[],
): Promise<PeerModel> {
  await mkdir(tmp, { recursive: true });
  let dir: string;
  let vocabSize: number;
  let contextLength: number;
  if (id === "stories260K") {
    dir = STORIES;
    vocabSize = 512;
    contextLength = 512;
  } else if (id === "smollm2") {
    dir = join(tmp, "smollm2-135m-random-f16");
    vocabSize = SMOLLM2_135M.vocabSize;
    contextLength = SMOLLM2_135M.maxPositionEmbeddings ?? 2048;
    await writeSmolLm2(dir);
  } else {
    throw new Error(`unknown model ${JSON.stringify(id)}: use stories260K or smollm2`);
  }
  const ggufs: { type: GgufFormat; path: string }[] = [];
  for (const type of formats) ggufs.push({ type, path: await writeFormat(id, dir, tmp, type) });
  // Both tokenizers put <unk> <s> </s> and the 256 byte tokens first.
  return { id, dir, ggufs, vocab: { vocabSize, bosTokenId: 1, firstId: 259 }, contextLength };
}

/** Writes the GGUF of model `id` (folder `dir`) in `type` to `tmp`; returns its path. */
export async function writeFormat(id: string, dir: string, tmp: string, type: GgufFormat): Promise<string> {
  const path = join(tmp, `${id}-${type}.gguf`);
  const t0 = performance.now();
  const r = await writeGguf(dir, path, { type });
  const seconds = (performance.now() - t0) / 1000;
  console.error(`  ${path}: ${(r.bytes / 2 ** 20).toFixed(1)} MiB in ${seconds.toFixed(1)} s`);
  return path;
}
