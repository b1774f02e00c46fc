import {
  gumbelArgmax,
  keptSetReference,
  philox4x32,
  scoresReference,
  seedKey,
  uniformFromBits,
  validateSampling,
} from "@pagoda/kernels-wgsl";
import type { TokenLogprobs } from "@pagoda/scheduler";
import { ExecutorError } from "../errors.js";
import type { RequestState } from "./request-states.js";
import { kernelParams, sampleOnCpu, tokenLogprobsOf } from "./sampling.js";

/** Third Philox counter word of the acceptance draws: a stream apart from the sampling noise. */
export const ACCEPT_STREAM = 0x41434350; // "ACCP"

/** What verifying one request's drafts emits: the accepted drafts, then one sampled token. */
export interface Verified {
  /** 1 to k + 1 tokens. */
  readonly tokenIds: number[];
  /** One entry per token, for requests that asked for log-probabilities. */
  readonly logprobs: TokenLogprobs[];
}

/** Request `r` as the sampler sees it at draft position `j`: drafts 0..j-1 already output. */
export function draftState(r: RequestState, drafts: readonly number[], j: number): RequestState {
  return { ...r, tokenIds: [...r.tokenIds, ...drafts.slice(0, j)] };
}

/**
 * Exact rejection sampling of `drafts` against `logits` (`[drafts.length + 1, vocab]`: row j
 * predicts the token after draft j - 1). Row j is judged as the non-speculative sampler would
 * sample it with drafts 0..j-1 already output (penalties, bias, min_tokens, filters, Philox
 * counter). Greedy: accept while the argmax is the draft, then emit the argmax. Sampling: accept
 * draft j with probability p_j(draft), else emit a sample of p_j without it (renormalised); the
 * proposer is deterministic (q one-hot), so every emitted token is distributed as p_j. All
 * accepted: the bonus token is sampled from the last row.
 *
 * `picks`, for a greedy request without log-probabilities: the token the non-speculative sampler
 * chose at each of the `drafts.length + 1` positions, computed elsewhere (the WebGPU sampling
 * kernels, run on these rows); `logits` is then not read and may be empty.
 */
export function verifyDrafts(
  logits: Float32Array,
  vocab: number,
  r: RequestState,
  drafts: readonly number[],
  picks?: readonly number[],
): Verified {
  if (picks) checkPicks(r, drafts, picks);
  const tokenIds: number[] = [];
  const logprobs: TokenLogprobs[] = [];
  const emit = (token: number, entry: TokenLogprobs | undefined) => {
    tokenIds.push(token);
    if (entry) logprobs.push(entry);
  };
  // Position j sees drafts 0..j-1 as output: they go onto the request's own token list as the
  // loop reaches them and come off at the end, rather than a copy of the whole sequence per position.
  const known = r.tokenIds.length;
  try {
    for (let j = 0; j <= drafts.length; j++) {
      if (j > 0) r.tokenIds.push(drafts[j - 1] as number);
      if (!judge(logits.subarray(j * vocab, (j + 1) * vocab), vocab, r, drafts[j], picks?.[j], emit)) break;
    }
  } finally {
    r.tokenIds.length = known;
  }
  return { tokenIds, logprobs };
}

/**
 * Emits the token of one position (`at`: the request with the drafts before it as output) and
 * says whether verification goes on: only when that token is the position's `draft`.
 */
function judge(
  row: Float32Array,
  vocab: number,
  at: RequestState,
  draft: number | undefined,
  pick: number | undefined,
  emit: (token: number, entry: TokenLogprobs | undefined) => void,
): boolean {
  const params = kernelParams(at);
  if (draft === undefined || Math.fround(params.temperature) === 0) {
    // The bonus token, or a greedy position: exactly the non-speculative sample.
    const { tokenId, logprobs: entry } = pick !== undefined ? { tokenId: pick } : sampleOnCpu(row, at);
    emit(tokenId, entry);
    return tokenId === draft;
  }
  const history = { tokens: at.tokenIds, numPromptTokens: at.numPromptTokens };
  validateSampling(params, history, vocab);
  const scores = scoresReference(row, params, history);
  const { kept } = keptSetReference(scores, params);
  if (acceptUniform(params.seed, params.step) < probabilityOf(scores, kept, draft)) {
    emit(draft, tokenLogprobsOf(row, at, draft));
    return true;
  }
  // p_j(draft) < 1, so another token is kept: Gumbel-max over the rest samples p_j without it.
  kept[draft] = 0;
  const token = gumbelArgmax(scores, kept, params.seed, params.step);
  emit(token, tokenLogprobsOf(row, at, token));
  return false;
}

/** The uniform in (0, 1) that accepts or rejects the draft at output index `step`. */
export function acceptUniform(seed: number, step: number): number {
  return uniformFromBits(philox4x32([0, step, ACCEPT_STREAM, 0], seedKey(seed))[0] as number);
}

/** softmax of `scores` over the kept tokens, at `token` (0 when it is not kept), in float64. */
export function probabilityOf(scores: Float32Array, kept: Uint8Array, token: number): number {
  if (!kept[token]) return 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) if (kept[i]) max = Math.max(max, scores[i] as number);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) if (kept[i]) sum += Math.exp((scores[i] as number) - max);
  return Math.exp((scores[token] as number) - max) / sum;
}

/** Whether `verifyDrafts` may take `r`'s picks instead of its rows: greedy, without logprobs. */
export function takesPicks(r: RequestState): boolean {
  return r.params.logprobs === null && Math.fround(kernelParams(r).temperature) === 0;
}

// Picks stand in for the rows only where nothing but the greedy choice is read: a sampling
// position needs its row's probabilities and logprobs their values.
function checkPicks(r: RequestState, drafts: readonly number[], picks: readonly number[]): void {
  if (takesPicks(r) && picks.length === drafts.length + 1) return;
  throw new ExecutorError(
    "executor.bad_picks",
    `request '${r.requestId}': picks stand in for logits only for greedy requests without logprobs, one per position (${picks.length} for ${drafts.length} drafts)`,
  );
}
