import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { openFileByteSource } from "../safetensors/file-byte-source.js";
import type { ModelFiles } from "./model-files.js";

/** {@link ModelFiles} over a folder on disk (Node only); symlinks (the HF cache's) are followed. */
export function directoryFiles(dir: string): ModelFiles {
  return {
    location: dir,
    describe: (name) => join(dir, name),
    async size(name) {
      try {
        const s = await stat(join(dir, name));
        return s.isFile() ? s.size : null;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
    readText: (name) => readFile(join(dir, name), "utf8"),
    open: (name) => openFileByteSource(join(dir, name)),
  };
}
