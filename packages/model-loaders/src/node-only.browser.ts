import { ModelResolveError } from "./errors.js";
import type { ModelFiles } from "./files/model-files.js";
import type { ByteSource } from "./safetensors/byte-source.js";

// Stands in for node-only.ts in browser bundles (package.json `browser` field): the same names,
// each failing with a typed error that says what to pass instead.

function needsNode(what: string): never {
  throw new ModelResolveError(
    "resolve.needs_node",
    `${what} needs Node (files on disk); in a browser pass the model's files as ModelFiles, e.g. memoryFiles(url, { "config.json": await fetch(url + "/config.json"), … })`,
  );
}

/** Browser stand-in: a folder path cannot be read here. */
export async function directoryFiles(dir: string): Promise<ModelFiles> {
  return needsNode(`the model folder ${JSON.stringify(dir)}`);
}

/** Browser stand-in: neither folders nor the Hugging Face cache exist here. */
export async function resolveModel(source: string): Promise<string> {
  return needsNode(`the model ${JSON.stringify(source)}`);
}

/** Browser stand-in: a file path cannot be read here (a `.gguf` URL can). */
export async function openFileByteSource(path: string): Promise<ByteSource> {
  return needsNode(`the file ${JSON.stringify(path)}`);
}

/** Browser stand-in: there is no file system to write to. */
export async function writeSafetensorsFile(path: string): Promise<void> {
  return needsNode(`writing ${JSON.stringify(path)}`);
}
