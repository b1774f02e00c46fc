import type { ExecutorOutput, SchedulerOutput, TokenLogprobs } from "@pagoda/scheduler";
import type { FlatBatch } from "./flat-batch.js";
import type { RequestState } from "./request-states.js";
import { verifyDrafts } from "./verify-drafts.js";

/** Picks the next token of one request from its logits row. */
export type Sampler = (
  logits: Float32Array,
  request: RequestState,
) => { tokenId: number; logprobs?: TokenLogprobs };

/**
 * After a host-side forward pass: advances each request's computed count, samples a token for
 * every sampling sequence from its row of `logits` (`[batch.logitRows.length, vocab]`), verifies
 * the drafts of every spec sequence on its rows after those, and fills the step's output.
 */
export function sampleBatch(
  step: SchedulerOutput,
  batch: FlatBatch,
  logits: Float32Array,
  vocab: number,
  sampler: Sampler,
): ExecutorOutput {
  const output: ExecutorOutput = { sampledTokenIds: {}, logprobs: {} };
  for (const r of batch.requests) {
    output.sampledTokenIds[r.requestId] = [];
    r.numComputedTokens += step.numScheduledTokens[r.requestId] ?? 0;
  }
  batch.sampleSeqs.forEach((s, i) => {
    const r = batch.requests[s] as RequestState;
    const { tokenId, logprobs } = sampler(logits.subarray(i * vocab, (i + 1) * vocab), r);
    r.tokenIds.push(tokenId);
    output.sampledTokenIds[r.requestId] = [tokenId];
    if (logprobs) output.logprobs[r.requestId] = [logprobs];
  });
  verifySpecSeqs(batch, logits.subarray(batch.sampleSeqs.length * vocab), vocab, output);
  return output;
}

/**
 * Verifies the drafts of every spec sequence of `batch` from `specLogits` (its spec rows only,
 * `[specRowStart[last], vocab]`), appends the emitted tokens to each request and writes them into
 * `output`. The computed count then holds the last known token and the accepted drafts: the
 * K/V written for rejected drafts is stale, and the next step overwrites it. `picksOf(i)`, where
 * it gives spec sequence i's greedy picks, stands in for its rows (see `verifyDrafts`).
 */
export function verifySpecSeqs(
  batch: FlatBatch,
  specLogits: Float32Array,
  vocab: number,
  output: ExecutorOutput,
  picksOf?: (i: number) => readonly number[] | undefined,
): void {
  batch.specSeqs.forEach((s, i) => {
    const r = batch.requests[s] as RequestState;
    const from = (batch.specRowStart[i] as number) * vocab;
    const to = (batch.specRowStart[i + 1] as number) * vocab;
    const drafts = batch.specTokens[i] ?? [];
    const verified = verifyDrafts(specLogits.subarray(from, to), vocab, r, drafts, picksOf?.(i));
    r.numComputedTokens = r.tokenIds.length + verified.tokenIds.length - 1;
    r.tokenIds.push(...verified.tokenIds);
    output.sampledTokenIds[r.requestId] = verified.tokenIds;
    if (verified.logprobs.length > 0) output.logprobs[r.requestId] = verified.logprobs;
  });
}
