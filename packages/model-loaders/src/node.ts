// `@pagoda/model-loaders/node`: the Node-only parts (files on disk, the Hugging Face cache and hub).

export { directoryFiles } from "./files/directory-files.js";
export { downloadModel } from "./resolve/download-model.js";
export { findCachedSnapshot, hubCacheDir, repoFolderName } from "./resolve/hf-cache.js";
export { isHubId, resolveModel } from "./resolve/resolve-model.js";
export { openFileByteSource } from "./safetensors/file-byte-source.js";
export { writeSafetensorsFile } from "./safetensors/write-file.js";
export {
  type WriteGgufOptions,
  type WriteGgufResult,
  type WriteGgufType,
  writeGguf,
} from "./tools/gguf/write-gguf.js";
