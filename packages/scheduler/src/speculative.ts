import type { StepBudget } from "./budget.js";
import { broken, SchedulerError } from "./errors.js";
import type { SchedulerRequest } from "./request.js";
import type { SlotReserver } from "./slots.js";

/** Draft tokens scheduled in one step, by request. */
export type ScheduledDrafts = Map<SchedulerRequest, number[]>;

/** What {@link SpecDrafts.schedule} needs to know of the step beyond the budget. */
export interface DraftRoom {
  /** Free device blocks the drafts may take (what running prefill chunks still need is kept back). */
  spareBlocks: number;
  /** Longest sequence the model takes (prompt + outputs); `Infinity` when unknown. */
  maxModelLen: number;
  blockSize: number;
}

/**
 * Speculative decoding's side of the scheduler: proposals kept for each request's next step,
 * the pass that turns them into scheduled draft tokens, and the check of what the executor
 * accepted. Drafts only ever extend a decode already scheduled this step, within the budget
 * left and the blocks no one else needs, so they never preempt anyone and never delay another
 * request's decode token.
 */
export class SpecDrafts {
  /** Draft tokens verified since the scheduler was made (scheduled, and not aborted before the update). */
  numDraftTokens = 0;
  /** Of those, drafts the executor accepted (counted before any stop truncation). */
  numAcceptedDraftTokens = 0;
  private readonly proposals = new Map<string, number[]>();

  /** Proposals waiting for the next step. */
  get size(): number {
    return this.proposals.size;
  }

  /** Keeps `drafts` (checked by {@link checkDraftTokens}) for `requestId`'s next step, replacing older ones. */
  propose(requestId: string, drafts: readonly number[]): void {
    if (drafts.length === 0) this.proposals.delete(requestId);
    else this.proposals.set(requestId, drafts.slice());
  }

  /** Forgets `requestId`'s proposal (it finished, or left the running set). */
  discard(requestId: string): void {
    this.proposals.delete(requestId);
  }

  /**
   * Gives decodes scheduled this step (`budget` holds only those yet) their drafts, trimmed to
   * the tokens left, to `maxTokens - numOutputTokens - 1`, to the model length and to the spare
   * blocks (past those, to the free slots of the blocks the request holds); then forgets every
   * proposal: they were for this step only. Returns the drafts scheduled, or `null` for none.
   */
  schedule(budget: StepBudget, slots: SlotReserver, room: DraftRoom): ScheduledDrafts | null {
    let scheduled: ScheduledDrafts | null = null;
    let spare = room.spareBlocks;
    const { requests, tokens } = budget;
    for (let i = 0; i < requests.length && budget.numTokensLeft > 0; i++) {
      const r = requests[i] as SchedulerRequest;
      const drafts = this.proposals.get(r.requestId);
      if (drafts === undefined || tokens[i] !== 1 || !r.isDecoding || r.numOutputTokens === 0) continue;
      let k = Math.min(
        drafts.length,
        budget.numTokensLeft,
        r.params.maxTokens - r.numOutputTokens - 1,
        room.maxModelLen - r.tokenIds.length - 1,
      );
      if (k <= 0) continue;
      let need = slots.blocksNeeded(r, 1 + k);
      if (need > spare) {
        k = Math.min(k, r.numBlocks * room.blockSize - r.numComputedTokens - 1);
        need = 0;
        if (k <= 0) continue;
      }
      const added = slots.extend(r, 1 + k);
      if (added === null) broken(`request ${r.requestId} lost the blocks counted for its drafts`);
      if (added.length > 0) r.newBlockIds = [...r.newBlockIds, ...added];
      budget.grow(i, k);
      spare -= need;
      scheduled ??= new Map();
      scheduled.set(r, drafts.length === k ? drafts : drafts.slice(0, k));
    }
    this.proposals.clear();
    return scheduled;
  }

  /**
   * Checks what the executor sampled for `r`, which had `drafts` scheduled: 1 to k + 1 tokens,
   * all but the last equal to the drafts (their K/V was computed from those tokens). Returns the
   * drafts accepted; throws `scheduler.bad_executor_output` otherwise.
   */
  accept(r: SchedulerRequest, drafts: readonly number[], sampled: readonly number[], step: number): number {
    const k = drafts.length;
    let ok = sampled.length >= 1 && sampled.length <= k + 1;
    for (let j = 0; ok && j < sampled.length - 1; j++) ok = sampled[j] === drafts[j];
    if (!ok) {
      throw new SchedulerError(
        "scheduler.bad_executor_output",
        `request '${r.requestId}' verified ${k} drafts but sampled [${sampled.join(", ")}]: expected 1 to ${k + 1} tokens, a prefix of the drafts then one more`,
        { details: { requestId: r.requestId, step, numDraftTokens: k, numSampled: sampled.length } },
      );
    }
    this.numDraftTokens += k;
    this.numAcceptedDraftTokens += sampled.length - 1;
    return sampled.length - 1;
  }
}

/** Throws `scheduler.invalid_draft_tokens` unless `drafts` is an array of token ids (integers in [0, 2^31)). */
export function checkDraftTokens(requestId: string, drafts: readonly number[]): void {
  if (!Array.isArray(drafts)) {
    throw new SchedulerError("scheduler.invalid_draft_tokens", `drafts for '${requestId}' are not an array`, {
      details: { requestId },
    });
  }
  for (let i = 0; i < drafts.length; i++) {
    const t = drafts[i];
    if (!Number.isInteger(t) || (t as number) < 0 || (t as number) >= 2 ** 31) {
      throw new SchedulerError(
        "scheduler.invalid_draft_tokens",
        `draft ${i} of '${requestId}' is not a token id: ${String(t)}`,
        { details: { requestId, index: i, token: String(t) } },
      );
    }
  }
}
