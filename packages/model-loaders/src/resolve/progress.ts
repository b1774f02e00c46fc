import cliProgress from "cli-progress";
import type { DownloadProgress } from "./resolve-options.js";

/** Receives byte counts of a download and shows or reports them. */
export interface ProgressSink {
  start(totalBytes: number): void;
  file(name: string): void;
  add(bytes: number): void;
  stop(): void;
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** A sink for the `progress` option: a cli-progress bar on stderr, a callback, or nothing. */
export function progressSink(
  label: string,
  progress: boolean | ((p: DownloadProgress) => void) | undefined,
): ProgressSink {
  let total = 0;
  let bytes = 0;
  let file = "";
  if (typeof progress === "function") {
    return {
      start: (t) => {
        total = t;
      },
      file: (name) => {
        file = name;
        progress({ file, bytes, totalBytes: total });
      },
      add: (n) => {
        bytes += n;
        progress({ file, bytes, totalBytes: total });
      },
      stop: () => {},
    };
  }
  if (!(progress ?? process.stderr.isTTY)) return { start() {}, file() {}, add() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% {done} / {size} {file}`,
      stream: process.stderr,
      noTTYOutput: progress === true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (t) => {
      total = t;
      bar.start(t, 0, { done: mb(0), size: mb(t), file: "" });
    },
    file: (name) => {
      file = name;
      bar.update(bytes, { file });
    },
    add: (n) => {
      bytes += n;
      bar.update(bytes, { done: mb(bytes), size: mb(total), file });
    },
    stop: () => bar.stop(),
  };
}

/**
 * Wraps `fetch` so the bodies of whole-file GETs (the downloads themselves, not the range probes
 * or API calls) report their bytes to `sink` as they stream in.
 */
export function countingFetch(base: typeof fetch, sink: ProgressSink): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers);
    const isDownload =
      (init?.method ?? "GET") === "GET" && !headers.has("range") && url.includes("/resolve/");
    if (!isDownload || !response.body) return response;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sink.add(chunk.byteLength);
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
