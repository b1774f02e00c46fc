import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { isPagodaError } from "@pagoda/errors";
import { afterEach, describe, expect, it } from "vitest";
import { loadModel } from "../load/load-model.js";
import { storiesDir, tempDir } from "../testing/fixtures.js";
import { writeGguf } from "../tools/gguf/write-gguf.js";
import { urlFiles } from "./url-files.js";

interface Served {
  url: string;
  /** Body bytes sent for each request, as "METHOD range-or-whole name". */
  log: Array<{ what: string; bytes: number }>;
  close(): Promise<void>;
}

/** Serves a folder over HTTP; `range: false` ignores Range headers, `status` forces an answer. */
async function serve(dir: string, o: { range?: boolean; headLength?: boolean; status?: number } = {}) {
  const files = new Map<string, Buffer>();
  for (const name of await readdir(dir)) files.set(name, await readFile(join(dir, name)));
  const log: Served["log"] = [];
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? "/").split("/").pop() ?? "");
    const data = files.get(name);
    if (o.status !== undefined) return void res.writeHead(o.status).end("boom");
    if (data === undefined) return void res.writeHead(404).end();
    const m = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "");
    if (req.method === "HEAD") {
      res.writeHead(200, o.headLength === false ? {} : { "content-length": data.length });
      return void res.end();
    }
    if (m && o.range !== false) {
      const [from, to] = [Number(m[1]), Math.min(Number(m[2]), data.length - 1)];
      log.push({ what: `range ${name}`, bytes: to - from + 1 });
      res.writeHead(206, { "content-range": `bytes ${from}-${to}/${data.length}` });
      return void res.end(data.subarray(from, to + 1));
    }
    log.push({ what: `whole ${name}`, bytes: data.length });
    res.writeHead(200, { "content-length": data.length }).end(data);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/models/stories260K`,
    log,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } satisfies Served;
}

describe("urlFiles: a model folder over HTTP", () => {
  let served: Served | null = null;
  afterEach(async () => {
    await served?.close();
    served = null;
  });

  it("loads stories260K with the same config, tokenizer and weights as from disk", async () => {
    served = await serve(storiesDir());
    const [remote, local] = await Promise.all([loadModel(urlFiles(served.url)), loadModel(storiesDir())]);
    try {
      expect(remote.config).toEqual(local.config);
      expect(remote.tokenizer.encode("Once upon a time")).toEqual([1, 403, 407, 261, 378]);
      expect(await remote.weights.embedTokens.read()).toEqual(await local.weights.embedTokens.read());
      expect(await remote.weights.layers[4]?.down.read()).toEqual(await local.weights.layers[4]?.down.read());
      expect(remote.dir).toBe(served.url);
    } finally {
      await Promise.all([remote.close(), local.close()]);
    }
  });

  it("loads a .gguf URL by range: the header, then each tensor's own bytes", async () => {
    const dir = await tempDir();
    await writeGguf(storiesDir(), join(dir, "stories.gguf"), { type: "f32" });
    served = await serve(dir);
    const [remote, local] = await Promise.all([
      loadModel(`${served.url}/stories.gguf`),
      loadModel(join(dir, "stories.gguf")),
    ]);
    try {
      expect(remote.config).toEqual(local.config);
      expect(remote.tokenizer.encode("Once upon a time")).toEqual([1, 403, 407, 261, 378]);
      const before = served.log.length;
      const down = await remote.weights.layers[4]?.down.read();
      expect(down).toEqual(await local.weights.layers[4]?.down.read());
      expect(served.log.slice(before).map((l) => l.bytes)).toEqual([
        remote.weights.layers[4]?.down.byteLength,
      ]);
      expect(served.log.every((l) => l.what === "range stories.gguf")).toBe(true);
    } finally {
      await Promise.all([remote.close(), local.close()]);
    }
  });

  it("reads weights by range: one tensor costs its own bytes, not the file's", async () => {
    served = await serve(storiesDir());
    const model = await loadModel(urlFiles(served.url));
    try {
      const before = served.log.filter((l) => l.what === "range model.safetensors").length;
      const q = model.weights.layers[0]?.q;
      await q?.read();
      const reads = served.log.filter((l) => l.what === "range model.safetensors").slice(before);
      expect(reads.map((r) => r.bytes)).toEqual([q?.byteLength]);
      expect(served.log.some((l) => l.what === "whole model.safetensors")).toBe(false);
    } finally {
      await model.close();
    }
  });

  it("works with a server that ignores Range (the file is fetched once, whole) or gives no HEAD length", async () => {
    served = await serve(storiesDir(), { range: false, headLength: false });
    const model = await loadModel(urlFiles(`${served.url}/`));
    try {
      const ids = model.tokenizer.encode("Tom");
      expect(ids[0]).toBe(1);
      await model.weights.layers[0]?.q.read();
      await model.weights.layers[1]?.k.read();
      expect(served.log.filter((l) => l.what === "whole model.safetensors")).toHaveLength(1);
    } finally {
      await model.close();
    }
  });

  it("treats a 404 as a missing file, and names the URL of any other failure", async () => {
    served = await serve(storiesDir());
    const files = urlFiles(served.url);
    expect(await files.size("tokenizer.model")).toBeNull();
    const missing = await files.readText("chat_template.jinja").catch((e: unknown) => e);
    expect(isPagodaError(missing) && missing.code).toBe("resolve.not_found");
    await served.close();

    served = await serve(storiesDir(), { status: 500 });
    const err = await loadModel(urlFiles(served.url)).catch((e: unknown) => e);
    expect(isPagodaError(err) && err.code).toBe("resolve.fetch_failed");
    expect(String((err as Error).message)).toContain(`${served.url}/config.json`);
    expect(String((err as Error).message)).toContain("HTTP 500");

    const down = await urlFiles("http://127.0.0.1:9/x")
      .size("config.json")
      .catch((e: unknown) => e);
    expect(isPagodaError(down) && down.code).toBe("resolve.fetch_failed");
  });

  it("sends the given headers with every request", async () => {
    const seen: string[] = [];
    const fetchSpy: typeof fetch = async (_input, init) => {
      seen.push(new Headers(init?.headers).get("authorization") ?? "none");
      return new Response(null, { status: 404 });
    };
    const files = urlFiles("https://example.test/m", {
      headers: { authorization: "Bearer t" },
      fetch: fetchSpy,
    });
    expect(await files.size("config.json")).toBeNull();
    expect(seen).toEqual(["Bearer t"]);
  });
});
