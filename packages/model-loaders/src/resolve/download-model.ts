import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { downloadFileToCacheDir, listFiles, modelInfo } from "@huggingface/hub";
import { ModelResolveError } from "../errors.js";
import { repoFolderName } from "./hf-cache.js";
import { countingFetch, progressSink } from "./progress.js";
import type { ResolveOptions } from "./resolve-options.js";

// What a model folder needs; repos often also hold .bin / .gguf / onnx copies we must not fetch.
const WANTED = /^(.*\.json|.*\.safetensors|chat_template\.jinja)$/;

/**
 * Downloads the files Pagoda reads of hub model `id` into the Hugging Face cache layout of
 * `cacheDir` (blobs, snapshots, refs) with `@huggingface/hub`, and returns the snapshot folder.
 */
export async function downloadModel(
  id: string,
  cacheDir: string,
  options: ResolveOptions = {},
): Promise<string> {
  const revision = options.revision ?? "main";
  const hubUrl = options.hubUrl ?? process.env.HF_ENDPOINT ?? "https://huggingface.co";
  const accessToken = options.accessToken ?? process.env.HF_TOKEN;
  const sink = progressSink(`downloading ${id}`, options.progress);
  const common = { hubUrl, ...(accessToken && { accessToken }) };
  try {
    const { sha } = await modelInfo({
      ...common,
      name: id,
      revision,
      additionalFields: ["sha"],
      fetch: options.fetch,
    });
    const files = [];
    for await (const entry of listFiles({ ...common, repo: id, revision: sha, fetch: options.fetch })) {
      if (entry.type === "file" && WANTED.test(entry.path)) files.push(entry);
    }
    if (!files.some((f) => f.path === "config.json")) {
      throw new ModelResolveError(
        "resolve.not_found",
        `${hubUrl}/${id} has no config.json at revision ${revision}`,
        {
          details: { id, revision },
        },
      );
    }
    sink.start(files.reduce((a, f) => a + (f.lfs?.size ?? f.size), 0));
    const fetch = countingFetch(options.fetch ?? globalThis.fetch, sink);
    for (const file of files) {
      sink.file(file.path);
      await downloadFileToCacheDir({ ...common, repo: id, path: file.path, revision: sha, cacheDir, fetch });
    }
    if (revision !== sha) {
      const ref = join(cacheDir, repoFolderName(id), "refs", revision);
      await mkdir(dirname(ref), { recursive: true });
      await writeFile(ref, sha);
    }
    return join(cacheDir, repoFolderName(id), "snapshots", sha);
  } catch (err) {
    if (err instanceof ModelResolveError) throw err;
    const status = (err as { statusCode?: number }).statusCode;
    const hint =
      status === 401 || status === 403
        ? " (gated or private: set HF_TOKEN)"
        : status === 404
          ? " (no such model or revision)"
          : "";
    throw new ModelResolveError(
      status === 404 ? "resolve.not_found" : "resolve.download_failed",
      `could not download ${id}@${revision} from ${hubUrl}: ${(err as Error).message}${hint}`,
      { cause: err, details: { id, revision, hubUrl, status } },
    );
  } finally {
    sink.stop();
  }
}
