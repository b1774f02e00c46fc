import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** The hub cache folder the Hugging Face libraries use, from the same environment variables. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE;
  const home = env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "huggingface");
  return join(home, "hub");
}

/** `models--org--name`, the cache folder of a model repo. */
export function repoFolderName(id: string): string {
  return `models--${id.split("/").join("--")}`;
}

const COMMIT = /^[0-9a-f]{40}$/;

/**
 * The cached snapshot folder of `id` at `revision` (`refs/<revision>` names the commit), or
 * `null` when it is not cached. A snapshot counts when it holds a `config.json`.
 */
export async function findCachedSnapshot(
  id: string,
  revision: string,
  cacheDir: string,
): Promise<string | null> {
  const repo = join(cacheDir, repoFolderName(id));
  let commit = revision;
  if (!COMMIT.test(revision)) {
    try {
      commit = (await readFile(join(repo, "refs", revision), "utf8")).trim();
    } catch {
      return null;
    }
  }
  const snapshot = join(repo, "snapshots", commit);
  try {
    return (await stat(join(snapshot, "config.json"))).isFile() ? snapshot : null;
  } catch {
    return null;
  }
}
