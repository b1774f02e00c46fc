// The Node-only functions the browser-safe entry reaches on demand (a folder path or hub id, and
// writing files). package.json's `browser` field swaps this module for node-only.browser.ts, so
// a page's bundle of `@pagoda/model-loaders` never pulls in `fs`.

export { directoryFiles } from "./files/directory-files.js";
export { resolveModel } from "./resolve/resolve-model.js";
export { openFileByteSource } from "./safetensors/file-byte-source.js";
export { writeSafetensorsFile } from "./safetensors/write-file.js";
