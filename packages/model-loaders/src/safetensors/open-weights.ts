import { SafetensorsError, WeightsError } from "../errors.js";
import type { ModelFiles } from "../files/model-files.js";
import { readJsonObject } from "../files/read-json.js";
import { openSafetensors, type SafetensorsFile } from "./safetensors-file.js";
import type { TensorHandle } from "./tensor-handle.js";

/** File names of a single-file and of a sharded model. */
export const SINGLE_FILE = "model.safetensors";
export const INDEX_FILE = "model.safetensors.index.json";

/**
 * Opens a model's weights: `model.safetensors`, or the shards listed by
 * `model.safetensors.index.json`, checked against the index. Only headers are read.
 */
export async function openModelWeights(files: ModelFiles): Promise<SafetensorsFile> {
  const index = await readJsonObject(files, INDEX_FILE, "safetensors", SafetensorsError);
  if (index) return openSharded(files, parseWeightMap(index, files.describe(INDEX_FILE)));
  if ((await files.size(SINGLE_FILE)) !== null) return openSafetensors(await files.open(SINGLE_FILE));
  const hasBin = (await files.size("pytorch_model.bin")) !== null;
  throw new WeightsError(
    "weights.missing",
    `${files.location}: no ${SINGLE_FILE} or ${INDEX_FILE}` +
      (hasBin ? " (only pytorch_model.bin, which Pagoda does not read: convert it to safetensors)" : ""),
    { details: { location: files.location } },
  );
}

/** Validates the `weight_map` of a shard index: tensor name → shard file name. */
export function parseWeightMap(index: Record<string, unknown>, file: string): Map<string, string> {
  const bad = (reason: string): never => {
    throw new SafetensorsError("safetensors.bad_index", `${file}: ${reason}`, { details: { file } });
  };
  const map = index.weight_map;
  if (typeof map !== "object" || map === null || Array.isArray(map))
    bad("weight_map is missing or not an object");
  const out = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(map as Record<string, unknown>)) {
    if (typeof shard !== "string" || shard === "" || /[/\\]|^\.\.?$/.test(shard)) {
      bad(
        `weight_map["${tensor}"] must be a shard file name in the same folder, got ${JSON.stringify(shard)}`,
      );
    }
    out.set(tensor, shard as string);
  }
  if (out.size === 0) bad("weight_map is empty");
  return out;
}

async function openSharded(files: ModelFiles, weightMap: Map<string, string>): Promise<SafetensorsFile> {
  const indexName = files.describe(INDEX_FILE);
  const shards = new Map<string, SafetensorsFile>();
  const closeAll = () => Promise.all([...shards.values()].map((s) => s.close())).then(() => undefined);
  try {
    for (const shard of new Set(weightMap.values())) {
      if ((await files.size(shard)) === null) {
        const tensor = [...weightMap].find(([, s]) => s === shard)?.[0];
        throw new SafetensorsError(
          "safetensors.missing_file",
          `${indexName} puts tensor "${tensor}" in shard ${shard}, but ${files.describe(shard)} does not exist`,
          { details: { file: files.describe(shard), index: indexName } },
        );
      }
      shards.set(shard, await openSafetensors(await files.open(shard)));
    }
    const tensors = new Map<string, TensorHandle>();
    for (const [name, shard] of weightMap) {
      const handle = shards.get(shard)?.tensors.get(name);
      if (!handle) {
        throw new SafetensorsError(
          "safetensors.missing_tensor",
          `${indexName} puts tensor "${name}" in ${files.describe(shard)}, which has no such tensor`,
          { details: { file: files.describe(shard), tensor: name } },
        );
      }
      tensors.set(name, handle);
    }
    const first = shards.values().next().value;
    return { tensors, metadata: first?.metadata ?? {}, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
