import { type Executor, greedyParams, type SchedulerOutput } from "@pagoda/scheduler";
import type { Sampler } from "../batch/sample-batch.js";
import { logSoftmax } from "../cpu/ops.js";

/** What a model predicted at each position of a text it was fed (teacher forcing). */
export interface ForcedScores {
  /** `top1[p]`: the model's most likely token after `text[0..p]`. */
  readonly top1: Int32Array;
  /** `logprob[p]`: log P(text[p + 1] | text[0..p]) in nats. */
  readonly logprob: Float64Array;
}

/**
 * Feeds `text` one token per step and records, at every position, the model's top-1 token and
 * the log-probability of the text's next token. The sampler returns the text's token instead
 * of sampling, so the model always continues the text, never its own guesses.
 */
export async function teacherForce(
  make: (sampler: Sampler) => Promise<Executor>,
  text: readonly number[],
  blockSize: number,
): Promise<ForcedScores> {
  const n = text.length - 1;
  const top1 = new Int32Array(n);
  const logprob = new Float64Array(n);
  const sampler: Sampler = (logits, r) => {
    const p = r.tokenIds.length - 1;
    const lp = logSoftmax(logits);
    let best = 0;
    for (let i = 1; i < lp.length; i++) if ((lp[i] as number) > (lp[best] as number)) best = i;
    top1[p] = best;
    const next = text[p + 1] as number;
    logprob[p] = lp[next] as number;
    return { tokenId: next };
  };
  const executor = await make(sampler);
  try {
    const blockIds = Array.from({ length: Math.ceil(text.length / blockSize) }, (_, i) => i + 1);
    for (let p = 0; p < n; p++) await executor.execute(forcedStep(p, text[0] as number, n, blockIds));
  } finally {
    await executor.close();
  }
  return { top1, logprob };
}

// Step p feeds position p: the first step brings the request (prompt = the text's first token),
// later ones continue it with the token the sampler forced in the step before.
function forcedStep(p: number, first: number, n: number, blockIds: number[]): SchedulerOutput {
  const id = "forced";
  return {
    step: p,
    scheduledNewReqs:
      p === 0
        ? [
            {
              requestId: id,
              tokenIds: [first],
              numPromptTokens: 1,
              samplingParams: { ...greedyParams(n), stopTokenIds: [] },
              blockIds,
              numComputedTokens: 0,
            },
          ]
        : [],
    scheduledCachedReqs: p === 0 ? [] : [{ requestId: id, newBlockIds: [], numComputedTokens: p }],
    numScheduledTokens: { [id]: 1 },
    totalNumScheduledTokens: 1,
    finishedReqIds: [],
    preemptedReqIds: [],
    blockCopies: [],
    swapOut: [],
    swapIn: [],
  };
}

/** How closely a candidate model follows a baseline over the same forced text. */
export interface Agreement {
  /** Fraction of positions where both predict the same top-1 token. */
  readonly top1: number;
  /** Mean log-probability of the text per token: baseline, candidate, and their difference. */
  readonly baselineMeanLogprob: number;
  readonly candidateMeanLogprob: number;
  readonly meanLogprobDiff: number;
  /** Mean over positions of |candidate − baseline| log-probability of the text's token. */
  readonly meanAbsLogprobDiff: number;
}

/** Compares two {@link teacherForce} results over the same text. */
export function agreement(baseline: ForcedScores, candidate: ForcedScores): Agreement {
  const n = baseline.top1.length;
  let same = 0;
  let b = 0;
  let c = 0;
  let abs = 0;
  for (let p = 0; p < n; p++) {
    if (baseline.top1[p] === candidate.top1[p]) same++;
    const lb = baseline.logprob[p] as number;
    const lc = candidate.logprob[p] as number;
    b += lb;
    c += lc;
    abs += Math.abs(lc - lb);
  }
  return {
    top1: same / n,
    baselineMeanLogprob: b / n,
    candidateMeanLogprob: c / n,
    meanLogprobDiff: Math.abs(c - b) / n,
    meanAbsLogprobDiff: abs / n,
  };
}
