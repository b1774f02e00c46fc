import { ModelResolveError } from "../errors.js";
import { type ByteSource, checkRange, closedError, memoryByteSource } from "../safetensors/byte-source.js";
import type { ModelFiles } from "./model-files.js";

/** Options of {@link urlFiles}. */
export interface UrlFilesOptions {
  /** Sent with every request, e.g. `{ authorization: "Bearer hf_…" }`. */
  headers?: Record<string, string>;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * {@link ModelFiles} over HTTP: the model folder at `baseUrl` (a static host, a CDN, or a hub's
 * `…/resolve/main`), read lazily. Sizes come from `HEAD`; weights are read with `Range`
 * requests, tensor by tensor, so a page never holds a whole checkpoint it does not need to. A
 * server that ignores `Range` still works: the file is then fetched once, whole. A 404 counts
 * as a missing file; any other failure rejects with `resolve.fetch_failed` naming the URL.
 *
 * @example
 * const model = await loadModel(urlFiles(`${location.origin}/models/stories260K`));
 */
export function urlFiles(baseUrl: string, options: UrlFilesOptions = {}): ModelFiles {
  const base = baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const headers = options.headers ?? {};
  const url = (name: string) => `${base}/${name.split("/").map(encodeURIComponent).join("/")}`;
  const sizes = new Map<string, Promise<number | null>>();
  // Files a size probe had to download whole (no HEAD length, no Range): kept for their reads.
  const bodies = new Map<string, Uint8Array>();

  const request = async (name: string, init: RequestInit): Promise<Response | null> => {
    let res: Response;
    try {
      res = await doFetch(url(name), { ...init, headers: { ...headers, ...(init.headers as object) } });
    } catch (cause) {
      throw fetchFailed(url(name), String(cause), cause);
    }
    if (res.status === 404) return null;
    if (!res.ok) throw fetchFailed(url(name), `HTTP ${res.status} ${res.statusText}`);
    return res;
  };

  const size = (name: string): Promise<number | null> => {
    let entry = sizes.get(name);
    if (entry === undefined) {
      entry = (async () => {
        const res = await request(name, { method: "HEAD" });
        if (res === null) return null;
        const length = Number(res.headers.get("content-length"));
        if (res.headers.has("content-length") && Number.isSafeInteger(length)) return length;
        // No length from HEAD (some CDNs): a one-byte range tells the total; a server that
        // ignores Range sends the whole file, whose length is the answer.
        const probe = await request(name, { headers: { range: "bytes=0-0" } });
        if (probe === null) return null;
        if (probe.status === 206) {
          await probe.body?.cancel();
          const total = Number(probe.headers.get("content-range")?.split("/")[1]);
          if (Number.isSafeInteger(total)) return total;
          throw fetchFailed(url(name), "a Range answer without the file's total size");
        }
        const body = new Uint8Array(await probe.arrayBuffer());
        bodies.set(name, body);
        return body.length;
      })();
      sizes.set(name, entry);
    }
    return entry;
  };

  const notFound = (name: string) =>
    new ModelResolveError("resolve.not_found", `${url(name)} does not exist (HTTP 404)`, {
      details: { file: url(name) },
    });
  const existing = async (name: string): Promise<number> => {
    const n = await size(name);
    if (n === null) throw notFound(name);
    return n;
  };

  return {
    location: base,
    describe: url,
    size,
    // One GET: a text file needs no size first.
    readText: async (name) => {
      const body = bodies.get(name);
      if (body !== undefined) return new TextDecoder().decode(body);
      const res = await request(name, {});
      if (res === null) throw notFound(name);
      return res.text();
    },
    open: async (name) => {
      const n = await existing(name);
      const body = bodies.get(name);
      if (body !== undefined) return memoryByteSource(url(name), body);
      return rangeByteSource(url(name), n, (init) => request(name, init));
    },
  };
}

/**
 * Reads `[offset, offset + n)` with one `Range` request each; if the server answers a range with
 * the whole file (200), keeps that and serves every later read from memory.
 */
function rangeByteSource(
  name: string,
  size: number,
  request: (init: RequestInit) => Promise<Response | null>,
): ByteSource {
  let whole: ByteSource | null = null;
  let closed = false;
  const source: ByteSource = {
    name,
    size,
    async readInto(offset, target) {
      if (closed) throw closedError(name);
      checkRange(source, offset, target.length);
      if (target.length === 0) return;
      if (whole !== null) return whole.readInto(offset, target);
      const res = await request({ headers: { range: `bytes=${offset}-${offset + target.length - 1}` } });
      if (res === null) throw fetchFailed(name, "HTTP 404 for a file that existed");
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (res.status === 200 && bytes.length === size) {
        whole = memoryByteSource(name, bytes);
        return whole.readInto(offset, target);
      }
      if (res.status !== 206 || bytes.length !== target.length) {
        throw fetchFailed(
          name,
          `asked for ${target.length} bytes at ${offset}, got HTTP ${res.status} with ${bytes.length}`,
        );
      }
      target.set(bytes);
    },
    async close() {
      closed = true;
      whole = null;
    },
  };
  return source;
}

function fetchFailed(url: string, why: string, cause?: unknown): ModelResolveError {
  return new ModelResolveError("resolve.fetch_failed", `fetching ${url} failed: ${why}`, {
    details: { file: url },
    ...(cause !== undefined && { cause }),
  });
}
