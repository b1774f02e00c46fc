import { lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ModelResolveError } from "../errors.js";
import { loadModel } from "../load/load-model.js";
import { storiesDir, tempDir } from "../testing/fixtures.js";
import { startHubServer } from "../testing/hub-server.js";
import { findCachedSnapshot, hubCacheDir, repoFolderName } from "./hf-cache.js";
import { isHubId, resolveModel } from "./resolve-model.js";
import type { DownloadProgress } from "./resolve-options.js";

const STORIES_FILES = [
  "config.json",
  "generation_config.json",
  "model.safetensors",
  "special_tokens_map.json",
  "tokenizer.json",
  "tokenizer_config.json",
];

describe("hub cache layout", () => {
  it("finds the cache folder from the same variables as the Hugging Face libraries", () => {
    expect(hubCacheDir({ HF_HUB_CACHE: "/a", HF_HOME: "/b" })).toBe("/a");
    expect(hubCacheDir({ HF_HOME: "/b" })).toBe("/b/hub");
    expect(hubCacheDir({ XDG_CACHE_HOME: "/c" })).toBe("/c/huggingface/hub");
    expect(hubCacheDir({})).toMatch(/\.cache\/huggingface\/hub$/);
    expect(repoFolderName("karpathy/stories260K")).toBe("models--karpathy--stories260K");
  });

  it("resolves a hub id to its cached snapshot, through refs or a commit hash", async () => {
    const cache = await tempDir();
    const sha = "a".repeat(40);
    const snapshot = join(cache, "models--karpathy--stories260K", "snapshots", sha);
    await mkdir(snapshot, { recursive: true });
    for (const f of STORIES_FILES) await symlink(join(storiesDir(), f), join(snapshot, f));
    expect(await findCachedSnapshot("karpathy/stories260K", "main", cache)).toBeNull();
    await mkdir(join(cache, "models--karpathy--stories260K", "refs"));
    await writeFile(join(cache, "models--karpathy--stories260K", "refs", "main"), `${sha}\n`);
    expect(await resolveModel("karpathy/stories260K", { cacheDir: cache, download: false })).toBe(snapshot);
    expect(await findCachedSnapshot("karpathy/stories260K", sha, cache)).toBe(snapshot);
    const model = await loadModel("karpathy/stories260K", { cacheDir: cache, download: false });
    expect(model.dir).toBe(snapshot);
    expect(model.tokenizer.encode("Once upon a time")).toEqual([1, 403, 407, 261, 378]);
    await model.close();
  });
});

describe("resolveModel", () => {
  it("returns local folders as they are", async () => {
    expect(await resolveModel(storiesDir())).toBe(storiesDir());
    expect(isHubId("Qwen/Qwen3-0.6B")).toBe(true);
    expect(isHubId("./models/x")).toBe(false);
  });

  it("says clearly when a path is neither a folder nor a hub id", async () => {
    const err = await resolveModel("./no/such/model").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelResolveError);
    expect(err).toMatchObject({
      code: "resolve.not_found",
      message: expect.stringMatching(/no model folder at .*no\/such\/model/),
    });
    await expect(resolveModel(join(storiesDir(), "config.json"))).rejects.toMatchObject({
      message: expect.stringMatching(/config\.json is a file; a model is a folder/),
    });
  });

  it("refuses to download when asked not to", async () => {
    const cache = await tempDir();
    await expect(resolveModel("org/absent", { cacheDir: cache, download: false })).rejects.toMatchObject({
      code: "resolve.not_cached",
      message: expect.stringContaining(cache),
    });
  });

  it("downloads a hub model into the cache layout with progress, skipping files it does not read", async () => {
    const hub = await startHubServer({
      "karpathy/stories260K": { dir: storiesDir(), extra: { "pytorch_model.bin": new Uint8Array(5000) } },
    });
    const cache = await tempDir();
    const reports: DownloadProgress[] = [];
    try {
      const dir = await resolveModel("karpathy/stories260K", {
        cacheDir: cache,
        hubUrl: hub.url,
        progress: (p) => reports.push(p),
      });
      const repo = join(cache, "models--karpathy--stories260K");
      expect(dir).toBe(join(repo, "snapshots", hub.sha));
      expect((await readFile(join(repo, "refs", "main"), "utf8")).trim()).toBe(hub.sha);
      for (const f of STORIES_FILES) {
        expect((await lstat(join(dir, f))).isSymbolicLink()).toBe(true);
        expect(await readlink(join(dir, f))).toMatch(/^\.\.\/\.\.\/blobs\//);
        expect((await readFile(join(dir, f))).equals(await readFile(join(storiesDir(), f)))).toBe(true);
      }
      expect(await stat(join(dir, "pytorch_model.bin")).catch(() => null)).toBeNull();
      expect(hub.requests.some((r) => r.includes("pytorch_model.bin"))).toBe(false);
      const total = (await Promise.all(STORIES_FILES.map((f) => stat(join(storiesDir(), f))))).reduce(
        (a, s) => a + s.size,
        0,
      );
      expect(reports.at(-1)).toMatchObject({ bytes: total, totalBytes: total });
      expect(new Set(reports.map((r) => r.file))).toEqual(new Set(STORIES_FILES));
    } finally {
      await hub.close();
    }
    // Now cached: resolving again needs no hub.
    const model = await loadModel("karpathy/stories260K", { cacheDir: cache, hubUrl: hub.url });
    expect(model.config.numLayers).toBe(5);
    await model.close();
  });

  it("draws a progress bar on stderr when asked", async () => {
    const hub = await startHubServer({ "karpathy/stories260K": { dir: storiesDir() } });
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      await resolveModel("karpathy/stories260K", {
        cacheDir: await tempDir(),
        hubUrl: hub.url,
        progress: true,
      });
    } finally {
      spy.mockRestore();
      await hub.close();
    }
    const out = writes.join("");
    expect(out).toContain("downloading karpathy/stories260K");
    expect(out).toMatch(/100% 1\.\d MB \/ 1\.\d MB/);
  });

  it("reports an unknown model and an unreachable hub", async () => {
    const hub = await startHubServer({});
    const cache = await tempDir();
    try {
      await expect(resolveModel("org/missing", { cacheDir: cache, hubUrl: hub.url })).rejects.toMatchObject({
        code: "resolve.not_found",
        message: expect.stringMatching(
          /could not download org\/missing@main from http:\/\/127\.0\.0\.1:\d+.*no such model/,
        ),
      });
    } finally {
      await hub.close();
    }
    const err = await resolveModel("org/missing", { cacheDir: cache, hubUrl: hub.url }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelResolveError);
    expect(err).toMatchObject({ code: "resolve.download_failed", message: expect.stringContaining(hub.url) });
  });
});
