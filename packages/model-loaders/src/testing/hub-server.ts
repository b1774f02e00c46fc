// A minimal Hugging Face hub on 127.0.0.1 for download tests: the API routes and the resolve
// route (with Range support) that @huggingface/hub's download functions use.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

interface HubFile {
  path: string;
  data: Uint8Array;
  oid: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

/** A running fake hub. */
export interface HubServer {
  url: string;
  sha: string;
  /** Every request as "METHOD path". */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `repos` (hub id → folder, plus extra in-memory files) until closed. */
export async function startHubServer(
  repos: Record<string, { dir: string; extra?: Record<string, Uint8Array> }>,
): Promise<HubServer> {
  const sha = "0123456789abcdef0123456789abcdef01234567";
  const files = new Map<string, HubFile[]>();
  for (const [id, { dir, extra }] of Object.entries(repos)) {
    const list: HubFile[] = [];
    const names = await readdir(dir);
    const entries: [string, Uint8Array][] = await Promise.all(
      names.map(async (n) => [n, new Uint8Array(await readFile(join(dir, n)))] as [string, Uint8Array]),
    );
    for (const [path, data] of [...entries, ...Object.entries(extra ?? {})]) {
      const oid = createHash("sha1").update(data).digest("hex");
      const big = /\.(safetensors|bin)$/.test(path);
      const lfs = big
        ? { oid: createHash("sha256").update(data).digest("hex"), size: data.length, pointerSize: 134 }
        : undefined;
      list.push({ path, data, oid, ...(lfs && { lfs }) });
    }
    files.set(id, list);
  }
  const requests: string[] = [];
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  };
  const entry = (f: HubFile, expand: boolean) => ({
    type: "file",
    path: f.path,
    size: f.data.length,
    oid: f.oid,
    ...(f.lfs && { lfs: f.lfs }),
    ...(expand && { lastCommit: { id: sha, title: "init", date: "2024-01-01T00:00:00.000Z" } }),
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://x");
    requests.push(`${req.method} ${url.pathname}`);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree|paths-info)\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const id = api?.[1] ?? resolve?.[1] ?? "";
    const repo = files.get(id);
    if (!repo) return json(res, 404, { error: "Repository not found" });
    if (api?.[2] === "revision")
      return json(res, 200, { _id: "x", id, sha, private: false, lastModified: "2024-01-01" });
    if (api?.[2] === "tree")
      return json(
        res,
        200,
        repo.map((f) => entry(f, false)),
      );
    if (api?.[2] === "paths-info") {
      let body = "";
      for await (const chunk of req) body += chunk;
      const { paths } = JSON.parse(body) as { paths: string[] };
      return json(
        res,
        200,
        repo.filter((f) => paths.includes(f.path)).map((f) => entry(f, true)),
      );
    }
    const file = repo.find((f) => f.path === resolve?.[3]);
    if (!file) {
      res.writeHead(404, { "X-Error-Code": "EntryNotFound" }).end();
      return;
    }
    const headers = { ETag: `"${file.lfs?.oid ?? file.oid}"`, "Accept-Ranges": "bytes" };
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), file.data.length - 1);
      res
        .writeHead(206, { ...headers, "Content-Range": `bytes ${start}-${end}/${file.data.length}` })
        .end(file.data.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { ...headers, "Content-Length": String(file.data.length) }).end(file.data);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sha,
    requests,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
