import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".json": "application/json",
  ".css": "text/css",
};

/** A running static file server on an ephemeral port. */
export interface StaticServer {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves files on 127.0.0.1 from folders by URL prefix (longest first), e.g.
 * `{ "/models/stories260K": modelDir, "/": builtPage }`, with HEAD and single byte ranges;
 * anything else is a 404. `requests` lists every request as "METHOD path [range]".
 */
export async function startStaticServer(mounts: Record<string, string>): Promise<StaticServer> {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    // Cross-origin isolated, as a page must be for SharedArrayBuffer: the engine's WebAssembly
    // executor then runs its kernels on a pool of workers sharing one memory.
    res.setHeader("cross-origin-opener-policy", "same-origin");
    res.setHeader("cross-origin-embedder-policy", "require-corp");
    requests.push(`${req.method} ${req.url}${req.headers.range ? ` ${req.headers.range}` : ""}`);
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const prefix = prefixes.find((p) => path === p || path.startsWith(p.endsWith("/") ? p : `${p}/`));
    const root = prefix === undefined ? undefined : mounts[prefix];
    const rel = prefix === undefined ? "" : normalize(path.slice(prefix.length)).replace(/^(\.\.[/\\])+/, "");
    let file = root === undefined ? "" : join(root, rel);
    if (file !== "" && existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (file === "" || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const size = statSync(file).size;
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    // Byte ranges as a static host or CDN serves them: urlFiles reads weights tensor by tensor.
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), size - 1);
      res.writeHead(206, {
        "content-type": type,
        "content-length": end - start + 1,
        "content-range": `bytes ${start}-${end}/${size}`,
      });
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { "content-type": type, "content-length": size, "accept-ranges": "bytes" });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
