import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL("./rss-child.ts", import.meta.url));

/** Peak resident memory of one system serving one model, measured in a fresh process. */
export interface RssRecord {
  readonly model: string;
  readonly format: string;
  readonly system: "pagoda" | "llama.cpp";
  readonly maxRssMiB: number;
  /** The 8-stream decode it ran meanwhile (a sanity figure, not the comparison's). */
  readonly tokPerS: number;
}

/** Loads `modelPath` in a child process of `system`, decodes 8 streams × 64 tokens, reads its peak RSS. */
export async function measureRss(
  system: RssRecord["system"],
  modelPath: string,
  opts: { model: string; format: string; device: string; threads: number; vocab: number },
): Promise<RssRecord> {
  const args = ["--import", "tsx", CHILD, "--system", system, "--model", modelPath];
  args.push("--device", opts.device, "--threads", String(opts.threads), "--vocab", String(opts.vocab));
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 24 });
  const last = stdout.trim().split("\n").at(-1) ?? "";
  const { maxRssMiB, tokPerS } = JSON.parse(last) as { maxRssMiB: number; tokPerS: number };
  return { model: opts.model, format: opts.format, system, maxRssMiB, tokPerS };
}
