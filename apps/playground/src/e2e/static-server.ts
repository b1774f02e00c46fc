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
  close(): Promise<void>;
}

/**
 * Serves files on 127.0.0.1 from folders by URL prefix (longest first), e.g.
 * `{ "/models/stories260K": modelDir, "/": builtPage }`; anything else is a 404.
 */
export async function startStaticServer(mounts: Record<string, string>): Promise<StaticServer> {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer((req, res) => {
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
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
