import { ModelResolveError } from "../errors.js";
import { type ByteSource, memoryByteSource } from "../safetensors/byte-source.js";

/**
 * The files of one model folder, however they are stored: a directory on disk (Node,
 * `directoryFiles` in `@pagoda/model-loaders/node`) or buffers in memory ({@link memoryFiles}).
 */
export interface ModelFiles {
  /** Where the files are (a directory path or a label), for messages. */
  readonly location: string;
  /** How `name` is shown in messages (usually its full path). */
  describe(name: string): string;
  /** Size in bytes of `name`, or `null` when the file does not exist. */
  size(name: string): Promise<number | null>;
  /** The file's text (UTF-8); rejects when it does not exist. */
  readText(name: string): Promise<string>;
  /** Random access to the file's bytes; the caller closes it. */
  open(name: string): Promise<ByteSource>;
}

/** File contents accepted by {@link memoryFiles}. */
export type MemoryFile = ArrayBuffer | Uint8Array | string | Response;

/**
 * {@link ModelFiles} over contents already in memory or fetched, e.g. in a browser:
 * `memoryFiles("Qwen3", { "config.json": await fetch(url + "/config.json"), … })`.
 * A `Response` body is read once, when the file is first used; a non-ok `Response` counts as absent.
 */
export function memoryFiles(location: string, files: Readonly<Record<string, MemoryFile>>): ModelFiles {
  const cache = new Map<string, Promise<Uint8Array | null>>();
  const bytes = (name: string): Promise<Uint8Array | null> => {
    let entry = cache.get(name);
    if (!entry) {
      const file = Object.hasOwn(files, name) ? files[name] : undefined;
      entry = file === undefined ? Promise.resolve(null) : toBytes(file);
      cache.set(name, entry);
    }
    return entry;
  };
  const existing = async (name: string): Promise<Uint8Array> => {
    const data = await bytes(name);
    if (data === null) {
      throw new ModelResolveError("resolve.not_found", `${location}/${name} does not exist`, {
        details: { file: `${location}/${name}` },
      });
    }
    return data;
  };
  return {
    location,
    describe: (name) => `${location}/${name}`,
    size: async (name) => (await bytes(name))?.length ?? null,
    readText: async (name) => new TextDecoder().decode(await existing(name)),
    open: async (name) => memoryByteSource(`${location}/${name}`, await existing(name)),
  };
}

// A Response that is not ok (a 404 from a static host) counts as a missing file.
async function toBytes(file: MemoryFile): Promise<Uint8Array | null> {
  if (typeof file === "string") return new TextEncoder().encode(file);
  if (file instanceof Uint8Array) return file;
  if (file instanceof ArrayBuffer) return new Uint8Array(file);
  if (!file.ok) return null;
  return new Uint8Array(await file.arrayBuffer());
}
