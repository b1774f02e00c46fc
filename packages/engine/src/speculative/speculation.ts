import type { Scheduler } from "@pagoda/scheduler";
import type { DraftRequest, Proposer } from "./proposer.js";

/** What an engine speculates with: a proposer and the most drafts per request per step (k). */
export interface SpeculationOptions {
  proposer: Proposer;
  numSpeculativeTokens: number;
}

/**
 * The engine's side of speculative decoding: after each `scheduler.update`, asks the proposer
 * for drafts for the requests that decode next and hands them to the scheduler, which verifies
 * them in that step. A proposer failure costs the drafts of one step, never the step's outputs:
 * it is counted and kept in `lastError`, and the requests' proposer state is dropped.
 */
export class Speculation {
  /** Steps whose proposal failed. */
  numFailures = 0;
  /** The latest proposal failure. */
  lastError: unknown = undefined;

  constructor(
    private readonly scheduler: Scheduler,
    readonly options: SpeculationOptions,
  ) {}

  /** Proposes for those of `requestIds` that decode next step (running, all but the last token computed). */
  async propose(requestIds: Iterable<string>): Promise<void> {
    const requests: DraftRequest[] = [];
    for (const requestId of requestIds) {
      const r = this.scheduler.getRequest(requestId);
      if (r === undefined || r.status !== "RUNNING" || r.numComputedTokens !== r.tokenIds.length - 1)
        continue;
      // The step also samples one token of its own: drafts beyond maxTokens - 1 could never count.
      const maxDrafts = Math.min(
        this.options.numSpeculativeTokens,
        r.params.maxTokens - r.numOutputTokens - 1,
      );
      if (maxDrafts > 0) requests.push({ requestId, tokenIds: r.tokenIds, maxDrafts });
    }
    if (requests.length === 0) return;
    let drafts: Map<string, number[]>;
    try {
      drafts = await this.options.proposer.propose(requests);
    } catch (err) {
      this.numFailures++;
      this.lastError = err;
      for (const r of requests) this.options.proposer.drop(r.requestId);
      return;
    }
    for (const [requestId, d] of drafts) if (d.length > 0) this.scheduler.proposeSpecTokens(requestId, d);
  }

  /** Forgets a finished or aborted request. */
  drop(requestId: string): void {
    this.options.proposer.drop(requestId);
  }
}
