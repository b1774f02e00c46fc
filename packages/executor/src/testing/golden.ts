import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One case of `shared/golden/stories260K-greedy.json`. */
export interface GoldenCase {
  prompt: string;
  promptIds: number[];
  completionIds: number[];
  /** [tokenId, logprob] × 5 for each of the first 8 generated positions. */
  top5: Array<Array<[number, number]>>;
}

/** The reference run's limits: it stops on BOS (1) or once 257 tokens exist. */
export const GOLDEN_STOP_TOKEN = 1;
export const GOLDEN_MAX_TOTAL_TOKENS = 257;

// `shared/` lies beside the repository checkout; this file is packages/executor/src/testing/.
const shared = join(dirname(fileURLToPath(import.meta.url)), "../../../../../shared");

/** The stories260K model folder, or a clear error saying where it was looked for. */
export function stories260KDir(): string {
  const dir = join(shared, "models/stories260K");
  if (!existsSync(join(dir, "config.json"))) throw new Error(`stories260K not found at ${dir}`);
  return dir;
}

/** The golden greedy cases. */
export function goldenCases(): GoldenCase[] {
  const json = JSON.parse(readFileSync(join(shared, "golden/stories260K-greedy.json"), "utf8"));
  return json.cases.map((c: Record<string, unknown>) => ({
    prompt: c.prompt,
    promptIds: c.prompt_ids,
    completionIds: c.completion_ids,
    top5: c.top5_logprobs_first8,
  }));
}
