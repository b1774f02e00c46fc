import { rawLogprobsReference } from "@pagoda/kernels-wgsl";
import type { PromptLogprobsChunk, TokenLogprobs } from "@pagoda/scheduler";
import type { FlatBatch } from "./flat-batch.js";
import type { RequestState } from "./request-states.js";

/** One request's run of prompt positions whose logits score the prompt token after each. */
export interface PromptRun {
  readonly request: RequestState;
  /** The first prompt token scored (>= 1): its logits come from batch row `firstRow`. */
  readonly start: number;
  readonly firstRow: number;
  readonly count: number;
}

/**
 * The runs of this step's rows that score prompt tokens, for requests asking for prompt
 * log-probabilities: position p (a prompt position before the last) predicts prompt token p + 1.
 * A chunk that ends at the last prompt position scores up to the prompt's end; that position's
 * own logits are the sampling row, not a prompt score.
 */
export function promptRuns(batch: FlatBatch): PromptRun[] {
  const runs: PromptRun[] = [];
  batch.requests.forEach((r, s) => {
    if (r.params.promptLogprobs == null) return;
    const firstRow = batch.queryStartLoc[s] as number;
    const end = batch.seqLens[s] as number;
    const from = end - ((batch.queryStartLoc[s + 1] as number) - firstRow);
    const to = Math.min(end, r.numPromptTokens - 1);
    if (to > from) runs.push({ request: r, start: from + 1, firstRow, count: to - from });
  });
  return runs;
}

/** Every run's batch rows, in order. */
export function runRows(runs: readonly PromptRun[]): Int32Array {
  return Int32Array.from(runs.flatMap((r) => Array.from({ length: r.count }, (_, i) => r.firstRow + i)));
}

/**
 * Scores every run's prompt tokens: the LM head runs over at most `maxRows` batch rows at a time
 * (`logitsOf(rows)` returns `[rows.length, vocab]` logits, valid until its next call), and each
 * row's log-softmax, the prompt token's rank and the top-k come from the sampling reference.
 */
export async function scorePromptRuns(
  runs: readonly PromptRun[],
  vocab: number,
  maxRows: number,
  logitsOf: (rows: Int32Array) => Float32Array | Promise<Float32Array>,
): Promise<Record<string, PromptLogprobsChunk>> {
  const out: Record<string, PromptLogprobsChunk> = {};
  const pending: Array<{ run: PromptRun; i: number }> = [];
  for (const run of runs) {
    out[run.request.requestId] = { start: run.start, entries: [] };
    for (let i = 0; i < run.count; i++) pending.push({ run, i });
  }
  for (let at = 0; at < pending.length; at += maxRows) {
    const part = pending.slice(at, at + maxRows);
    const logits = await logitsOf(Int32Array.from(part, ({ run, i }) => run.firstRow + i));
    part.forEach(({ run, i }, j) => {
      const r = run.request;
      const token = r.tokenIds[run.start + i] as number;
      const row = logits.subarray(j * vocab, (j + 1) * vocab);
      const entries = out[r.requestId]?.entries as TokenLogprobs[];
      entries.push(scoreToken(row, token, r.params.promptLogprobs ?? 0));
    });
  }
  return out;
}

/** The log-probability, rank and top-`k` of `token` under one row of raw logits. */
export function scoreToken(logits: Float32Array, token: number, k: number): TokenLogprobs {
  const raw = rawLogprobsReference(logits, token, k);
  return {
    tokenId: token,
    logprob: raw.logprob,
    rank: raw.rank,
    top: raw.topIds.map((id, i) => [id, raw.topLogprobs[i] as number]),
  };
}
