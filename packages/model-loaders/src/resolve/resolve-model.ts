import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { ModelResolveError } from "../errors.js";
import { downloadModel } from "./download-model.js";
import { findCachedSnapshot, hubCacheDir } from "./hf-cache.js";
import type { ResolveOptions } from "./resolve-options.js";

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/** True when `s` has the shape of a hub model id (`org/name`). */
export function isHubId(s: string): boolean {
  return HUB_ID.test(s) && !s.includes("..");
}

function offline(): boolean {
  const v = process.env.HF_HUB_OFFLINE;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/**
 * Resolves a model to a local folder: an existing folder as is; else a hub id from the Hugging
 * Face cache; else (unless offline) downloaded into that cache. Node only.
 */
export async function resolveModel(source: string, options: ResolveOptions = {}): Promise<string> {
  const path = resolve(source.startsWith("~/") ? homedir() + source.slice(1) : source);
  const found = await stat(path).catch(() => null);
  if (found?.isDirectory()) return path;
  if (found) {
    throw new ModelResolveError("resolve.not_found", `${path} is a file; a model is a folder`, {
      details: { source },
    });
  }
  if (!isHubId(source)) {
    throw new ModelResolveError(
      "resolve.not_found",
      `no model folder at ${path}, and "${source}" is not a hub id of the form org/name`,
      { details: { source } },
    );
  }
  const cacheDir = options.cacheDir ?? hubCacheDir();
  const revision = options.revision ?? "main";
  const cached = await findCachedSnapshot(source, revision, cacheDir);
  if (cached) return cached;
  if (!(options.download ?? !offline())) {
    throw new ModelResolveError(
      "resolve.not_cached",
      `${source}@${revision} is not in the Hugging Face cache at ${cacheDir}, and downloading is off`,
      { details: { source, revision, cacheDir } },
    );
  }
  return downloadModel(source, cacheDir, options);
}
