import { greedyParams, type SamplingParams, type SchedulerOutput } from "@pagoda/scheduler";
import type { DraftSeq } from "./draft-cache.js";

/** One request of a proposal round, as the draft executor is driven through it. */
export interface DraftWork {
  requestId: string;
  seq: DraftSeq;
  /** The request's tokens now: the executor's list is brought to them by this round's first step. */
  tokenIds: readonly number[];
  /** Tokens in the draft cache before the next step computes more. */
  numComputed: number;
  /** The executor's token list and table are up to date this round. */
  sent: boolean;
  /** Drafts to propose this round. */
  numDrafts: number;
  /** Drafts sampled so far. */
  drafts: number[];
  /** Dropped (aborted) while the round runs: it takes no further step. */
  dropped?: boolean;
}

// The draft proposes its argmax (so q is one-hot in the target's rejection sampling).
const GREEDY: SamplingParams = { ...greedyParams(1), seed: 0, ignoreEos: true };

/**
 * Builds the draft executor's steps as the scheduler would: a request the executor does not hold
 * arrives in full (whole table, tokens known, `numComputedTokens` = what its cache already holds);
 * one it holds gets only a diff in its round's first step: the blocks appended since, the count
 * its cache still agrees on, and the tokens after it (`newTokenIds`: the target's tokens, which
 * the draft never sampled). Later steps only advance its count. Executor ids of dropped requests
 * go out as finished on the next step.
 */
export class DraftSteps {
  private numSteps = 0;
  private finished: string[] = [];

  /** The executor must forget `execId` (its request was dropped). */
  forget(execId: string): void {
    this.finished.push(execId);
  }

  /** A step computing `numTokens` more of each listed request. */
  build(items: ReadonlyArray<{ work: DraftWork; numTokens: number }>): SchedulerOutput {
    const out: SchedulerOutput = {
      step: this.numSteps++,
      scheduledNewReqs: [],
      scheduledCachedReqs: [],
      numScheduledTokens: {},
      totalNumScheduledTokens: 0,
      finishedReqIds: this.finished,
      preemptedReqIds: [],
      blockCopies: [],
      swapOut: [],
      swapIn: [],
    };
    this.finished = [];
    for (const { work, numTokens } of items) {
      const { seq } = work;
      if (work.sent) {
        out.scheduledCachedReqs.push({
          requestId: seq.execId,
          newBlockIds: [],
          numComputedTokens: work.numComputed,
        });
      } else if (seq.numSentBlocks > 0) {
        out.scheduledCachedReqs.push({
          requestId: seq.execId,
          newBlockIds: seq.blocks.slice(seq.numSentBlocks),
          numComputedTokens: work.numComputed,
          newTokenIds: work.tokenIds.slice(work.numComputed),
        });
      } else {
        out.scheduledNewReqs.push({
          requestId: seq.execId,
          tokenIds: [...work.tokenIds],
          numPromptTokens: work.tokenIds.length,
          samplingParams: GREEDY,
          blockIds: [...seq.blocks],
          numComputedTokens: work.numComputed,
        });
      }
      work.sent = true;
      seq.numSentBlocks = seq.blocks.length;
      out.numScheduledTokens[seq.execId] = numTokens;
      out.totalNumScheduledTokens += numTokens;
      work.numComputed += numTokens;
    }
    return out;
  }
}
