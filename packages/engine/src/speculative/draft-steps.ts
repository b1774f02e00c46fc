import { greedyParams, type SamplingParams, type SchedulerOutput } from "@pagoda/scheduler";
import type { DraftSeq } from "./draft-cache.js";

/** One request of a proposal round, as the draft executor is driven through it. */
export interface DraftWork {
  requestId: string;
  seq: DraftSeq;
  /** The tokens the executor is told of when the request is sent in full. */
  tokenIds: readonly number[];
  /** Tokens in the draft cache before the next step computes more. */
  numComputed: number;
  /** Sent in full to the executor this round already. */
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
 * Builds the draft executor's steps as the scheduler would: a request the executor has not seen
 * this round arrives in full (whole table, tokens known, `numComputedTokens` = what its cache
 * already holds), later steps only advance its count. Executor ids it replaced or forgot go out
 * as finished on the next step.
 */
export class DraftSteps {
  private numSteps = 0;
  private finished: string[] = [];

  /** The executor must forget `execId` (its request was dropped or is sent afresh). */
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
      } else {
        out.scheduledNewReqs.push({
          requestId: seq.execId,
          tokenIds: [...work.tokenIds],
          numPromptTokens: work.tokenIds.length,
          samplingParams: GREEDY,
          blockIds: [...seq.blocks],
          numComputedTokens: work.numComputed,
        });
        work.sent = true;
      }
      out.numScheduledTokens[seq.execId] = numTokens;
      out.totalNumScheduledTokens += numTokens;
      work.numComputed += numTokens;
    }
    return out;
  }
}
