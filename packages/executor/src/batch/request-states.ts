import type { SamplingParams, SchedulerOutput } from "@pagoda/scheduler";
import { ExecutorError } from "../errors.js";

/** What an executor remembers about a request between steps (vLLM's "input batch" row). */
export interface RequestState {
  readonly requestId: string;
  /** Prompt, then every sampled token: the executor appends what it samples. */
  readonly tokenIds: number[];
  readonly numPromptTokens: number;
  readonly params: SamplingParams;
  /** Seed actually used: the request's, or one drawn once when it gave none. */
  readonly seed: number;
  readonly blockIds: number[];
  numComputedTokens: number;
  /** Tokens the next sample may take (xgrammar's packed bitmask), set per step for constrained requests. */
  tokenMask?: Int32Array;
}

/**
 * The executor side of the contract's diffs: new requests arrive in full, known ones as block
 * and count updates (and, from a driver other than the scheduler, new tail tokens), finished and
 * preempted ones are dropped.
 */
export class RequestStates {
  private readonly states = new Map<string, RequestState>();

  constructor(private readonly drawSeed: () => number = () => (Math.random() * 2 ** 32) >>> 0) {}

  get size(): number {
    return this.states.size;
  }

  get(requestId: string): RequestState {
    const s = this.states.get(requestId);
    if (!s) throw new ExecutorError("executor.unknown_request", `request '${requestId}' is not known`);
    return s;
  }

  /** Applies one step's diffs; returns the scheduled requests in batch order. */
  apply(step: SchedulerOutput): RequestState[] {
    for (const id of step.finishedReqIds) this.states.delete(id);
    for (const id of step.preemptedReqIds) this.states.delete(id);
    const scheduled: RequestState[] = [];
    for (const r of step.scheduledNewReqs) {
      const state: RequestState = {
        requestId: r.requestId,
        tokenIds: [...r.tokenIds],
        numPromptTokens: r.numPromptTokens,
        params: r.samplingParams,
        seed: r.samplingParams.seed ?? this.drawSeed(),
        blockIds: [...r.blockIds],
        numComputedTokens: r.numComputedTokens,
      };
      this.states.set(r.requestId, state);
      scheduled.push(state);
    }
    for (const r of step.scheduledCachedReqs) {
      const state = this.get(r.requestId);
      if (r.blockIds) state.blockIds.splice(0, state.blockIds.length, ...r.blockIds);
      state.blockIds.push(...r.newBlockIds);
      if (r.newTokenIds !== undefined) {
        if (r.numComputedTokens > state.tokenIds.length) {
          throw new ExecutorError(
            "executor.bad_step",
            `request '${r.requestId}': numComputedTokens ${r.numComputedTokens} is beyond its ${state.tokenIds.length} known tokens, so newTokenIds cannot follow them`,
          );
        }
        state.tokenIds.length = r.numComputedTokens;
        state.tokenIds.push(...r.newTokenIds);
      }
      state.numComputedTokens = r.numComputedTokens;
      scheduled.push(state);
    }
    setTokenMasks(scheduled, step.tokenMasks);
    return scheduled;
  }
}

/** Gives each of `requests` its mask in `masks` for this step, and none to the others. */
export function setTokenMasks(requests: readonly RequestState[], masks?: Record<string, Int32Array>): void {
  for (const s of requests) {
    const mask = masks?.[s.requestId];
    if (mask === undefined) delete s.tokenMask;
    else s.tokenMask = mask;
  }
}
