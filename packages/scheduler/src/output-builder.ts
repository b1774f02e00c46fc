import type { KVCacheManager } from "@pagoda/kv-paging";
import type { StepBudget } from "./budget.js";
import type { CachedRequestData, NewRequestData, SchedulerOutput } from "./contract/index.js";
import type { SchedulerRequest } from "./request.js";
import type { ScheduledDrafts } from "./speculative.js";

/** Block moves decided during one step, in the order the executor runs them. */
export interface StepMoves {
  swapOut: Array<[number, number]>;
  swapIn: Array<[number, number]>;
  blockCopies: Array<[number, number]>;
}

/**
 * Turns one step's decisions into the plain {@link SchedulerOutput}, sending each request in
 * full only when the executor does not hold it (first schedule, or after a preemption) and as a
 * diff otherwise (with the whole block table when a copy-on-write replaced one of its blocks).
 * Keeps the ids that left since the last step (finished, aborted, preempted) so that the
 * executor can drop their state. All state is incremental: a step costs O(scheduled).
 */
export class OutputBuilder {
  private finished: string[] = [];
  private preempted: string[] = [];

  constructor(private readonly kv: KVCacheManager) {}

  /** `request` finished or was aborted: the executor drops it at the next step. */
  noteFinished(request: SchedulerRequest): void {
    if (request.knownToExecutor) this.finished.push(request.requestId);
    request.knownToExecutor = false;
  }

  /** `request` was preempted (recompute or swap): the executor drops it; it returns in full. */
  notePreempted(request: SchedulerRequest): void {
    if (request.knownToExecutor) this.preempted.push(request.requestId);
    request.knownToExecutor = false;
  }

  /** Builds the step's output and marks every scheduled request as known to the executor. */
  build(step: number, budget: StepBudget, moves: StepMoves, drafts: ScheduledDrafts | null): SchedulerOutput {
    const scheduledNewReqs: NewRequestData[] = [];
    const scheduledCachedReqs: CachedRequestData[] = [];
    const numScheduledTokens: Record<string, number> = {};
    const { requests, tokens } = budget;
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i] as SchedulerRequest;
      numScheduledTokens[r.requestId] = tokens[i] as number;
      if (r.knownToExecutor && r.tableReplaced) {
        scheduledCachedReqs.push({
          requestId: r.requestId,
          newBlockIds: [],
          blockIds: this.kv.getBlockIds(r.requestId).slice(),
          numComputedTokens: r.numComputedTokens,
        });
      } else if (r.knownToExecutor) {
        scheduledCachedReqs.push({
          requestId: r.requestId,
          newBlockIds: r.newBlockIds,
          numComputedTokens: r.numComputedTokens,
        });
      } else {
        scheduledNewReqs.push({
          requestId: r.requestId,
          tokenIds: r.tokenIds.slice(),
          numPromptTokens: r.numPromptTokens,
          samplingParams: r.params,
          blockIds: this.kv.getBlockIds(r.requestId).slice(),
          numComputedTokens: r.numComputedTokens,
        });
        r.knownToExecutor = true;
      }
      r.tableReplaced = false;
    }
    const out: SchedulerOutput = {
      step,
      scheduledNewReqs,
      scheduledCachedReqs,
      numScheduledTokens,
      totalNumScheduledTokens: budget.numScheduledTokens,
      finishedReqIds: this.finished,
      preemptedReqIds: this.preempted,
      blockCopies: moves.blockCopies,
      swapOut: moves.swapOut,
      swapIn: moves.swapIn,
    };
    if (drafts !== null) {
      const spec: Record<string, number[]> = {};
      for (const [r, tokens] of drafts) spec[r.requestId] = tokens;
      out.scheduledSpecTokens = spec;
    }
    this.finished = [];
    this.preempted = [];
    return out;
  }
}
