import type { ExecutorOutput, SchedulerOutput, TokenLogprobs } from "@pagoda/scheduler";
import type { FlatBatch } from "./flat-batch.js";
import type { RequestState } from "./request-states.js";

/** Picks the next token of one request from its logits row. */
export type Sampler = (
  logits: Float32Array,
  request: RequestState,
) => { tokenId: number; logprobs?: TokenLogprobs };

/**
 * After a host-side forward pass: advances each request's computed count, samples a token for
 * every sampling sequence from its row of `logits` (`[batch.sampleSeqs.length, vocab]`) and
 * fills the step's output.
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
  return output;
}
