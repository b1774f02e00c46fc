import type { ModelFamily } from "../config/architectures.js";
import type { TensorToWrite } from "../safetensors/writer.js";
import {
  type RandomModelOptions,
  type RandomModelShapes,
  randomModelConfig,
  randomModelTensors,
} from "./random-model.js";

/** Options of {@link writeRandomModel}. */
export interface WriteRandomModelOptions extends RandomModelOptions {
  /** Split the weights into this many shards with a `model.safetensors.index.json`; default 1. */
  shards?: number;
  /**
   * A folder to copy the tokenizer from (`tokenizer.json`, `tokenizer_config.json`,
   * `special_tokens_map.json`, `chat_template.jinja` where present), so `loadModel` works.
   */
  tokenizerFrom?: string;
}

const TOKENIZER_FILES = [
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "chat_template.jinja",
];

/**
 * A tool (Node only) for tests and benchmarks: writes a Hugging Face model folder with random
 * weights of `family` into `dir` (created if needed), one tensor at a time, so even
 * gigabyte-sized models need little memory. Same seed, same files.
 *
 * @example
 * await writeRandomModel(dir, "qwen3", { hiddenSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2,
 *   headDim: 16, intermediateSize: 128, vocabSize: 512, tieWordEmbeddings: true },
 *   { dtype: "BF16", seed: 1, tokenizerFrom: "../shared/models/stories260K" });
 * const model = await loadModel(dir);
 */
export async function writeRandomModel(
  dir: string,
  family: ModelFamily,
  shapes: RandomModelShapes,
  options: WriteRandomModelOptions = {},
): Promise<void> {
  const [{ copyFile, mkdir, stat, writeFile }, { join }, { writeSafetensorsFile }] = await Promise.all([
    import("node:fs/promises"),
    import("node:path"),
    import("../node-only.js"),
  ]);
  await mkdir(dir, { recursive: true });
  const dtype = options.dtype ?? "F32";
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  await writeFile(join(dir, "config.json"), json(randomModelConfig(family, shapes, dtype)));
  const gen: Record<string, unknown> = {};
  if (shapes.bosTokenId != null) gen.bos_token_id = shapes.bosTokenId;
  if (shapes.eosTokenIds?.length) gen.eos_token_id = shapes.eosTokenIds;
  await writeFile(join(dir, "generation_config.json"), json(gen));
  const tensors = randomModelTensors(family, shapes, options);
  const shards = splitShards(tensors, Math.max(1, options.shards ?? 1));
  const metadata = { format: "pt" };
  if (shards.length === 1) {
    await writeSafetensorsFile(join(dir, "model.safetensors"), tensors, metadata);
  } else {
    const weightMap: Record<string, string> = {};
    for (const [i, shard] of shards.entries()) {
      const name = `model-${String(i + 1).padStart(5, "0")}-of-${String(shards.length).padStart(5, "0")}.safetensors`;
      await writeSafetensorsFile(join(dir, name), shard, metadata);
      for (const t of shard) weightMap[t.name] = name;
    }
    await writeFile(join(dir, "model.safetensors.index.json"), json({ metadata: {}, weight_map: weightMap }));
  }
  if (options.tokenizerFrom !== undefined) {
    for (const file of TOKENIZER_FILES) {
      const from = join(options.tokenizerFrom, file);
      if (await stat(from).catch(() => null)) await copyFile(from, join(dir, file));
    }
  }
}

function splitShards(tensors: readonly TensorToWrite[], n: number): TensorToWrite[][] {
  const per = Math.ceil(tensors.length / n);
  const out: TensorToWrite[][] = [];
  for (let i = 0; i < tensors.length; i += per) out.push(tensors.slice(i, i + per));
  return out;
}
