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

/** A model both systems run: Pagoda from the Hugging Face folder, llama.cpp from GGUFs of it. */
export interface PeerModel {
  readonly id: string;
  /** The Hugging Face folder (Pagoda's input and the GGUFs' source). */
  readonly dir: string;
  readonly ggufs: readonly { type: "f32" | "f16"; path: string }[];
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

/** The model `id` (`stories260K` or `smollm2`) with fresh F32 and F16 GGUFs in `tmp`. */
export async function prepareModel(id: string, tmp: string): Promise<PeerModel> {
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
  const ggufs: { type: "f32" | "f16"; path: string }[] = [];
  for (const type of ["f32", "f16"] as const) {
    const path = join(tmp, `${id}-${type}.gguf`);
    const t0 = performance.now();
    const r = await writeGguf(dir, path, { type });
    console.error(
      `  ${path}: ${(r.bytes / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    ggufs.push({ type, path });
  }
  // Both tokenizers put <unk> <s> </s> and the 256 byte tokens first.
  return { id, dir, ggufs, vocab: { vocabSize, bosTokenId: 1, firstId: 259 }, contextLength };
}
