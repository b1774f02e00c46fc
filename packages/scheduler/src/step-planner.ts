import type { KVCacheManager } from "@pagoda/kv-paging";
import { StepBudget } from "./budget.js";
import type { SchedulerOutput } from "./contract/index.js";
import { broken } from "./errors.js";
import type { ResolvedOptions } from "./options.js";
import type { OutputBuilder, StepMoves } from "./output-builder.js";
import type { SchedulingPolicy, StepView } from "./policies/policy.js";
import { blocksReservedByRunning, canResume, evict, resume } from "./preemption.js";
import type { SchedulerRequest } from "./request.js";
import type { RequestQueue } from "./request-queue.js";
import { SlotReserver } from "./slots.js";

/** The scheduler's three collections: a request is in exactly one until it finishes. */
export interface Queues {
  waiting: RequestQueue;
  swapped: RequestQueue;
  /** In the policy's order (best first), so the natural victims are scheduled last. */
  running: SchedulerRequest[];
}

/** A scheduled step waiting for its executor result. */
export interface PendingStep {
  step: number;
  budget: StepBudget;
}

interface StepState {
  step: number;
  budget: StepBudget;
  moves: StepMoves;
  view: StepView;
  /** A running request was preempted for lack of blocks: admit nothing more this step. */
  preemptedRunning: boolean;
}

/**
 * Plans one step, in vLLM v1's order: (1) a waiting head that the policy lets preempt makes
 * room first; (2) running requests, decodes before prefill chunks, allocate their slots,
 * preempting the policy's victim when blocks run out; (3) swapped and waiting requests are
 * admitted in policy order while a sequence slot, tokens and blocks remain. Admission stops at
 * the first request that does not fit, so nothing overtakes the policy's head.
 */
export class StepPlanner {
  numSteps = 0;
  /** Requests admitted at least once and not finished. */
  numActive = 0;
  numRecomputePreemptions = 0;
  numSwapPreemptions = 0;
  private readonly slots: SlotReserver;

  constructor(
    private readonly kv: KVCacheManager,
    private readonly policy: SchedulingPolicy,
    private readonly opts: ResolvedOptions,
    private readonly builder: OutputBuilder,
    readonly queues: Queues,
  ) {
    this.slots = new SlotReserver(kv);
  }

  /** Decides the next step and builds its output. */
  plan(): { output: SchedulerOutput; pending: PendingStep } {
    const step = this.numSteps++;
    const budget = new StepBudget(this.opts.maxNumBatchedTokens);
    const view: StepView = {
      step,
      get numScheduledTokens() {
        return budget.numScheduledTokens;
      },
      get numTokensLeft() {
        return budget.numTokensLeft;
      },
      running: this.queues.running,
      numActiveAtStart: this.numActive,
    };
    const s: StepState = {
      step,
      budget,
      view,
      moves: { swapOut: [], swapIn: [], blockCopies: [] },
      preemptedRunning: false,
    };
    const { waiting, swapped, running } = this.queues;
    const mayPreempt = this.policy.mayPreemptFor !== undefined;
    if (waiting.size + swapped.size > 0 && (running.length < this.opts.maxNumSeqs || mayPreempt)) {
      this.syncOrder();
      if (mayPreempt) this.preemptForHead(s);
    }
    this.scheduleRunning(s);
    if (!s.preemptedRunning) this.admit(s);
    s.moves.blockCopies = this.kv.takeCopyPairs();
    return { output: this.builder.build(step, budget, s.moves), pending: { step, budget } };
  }

  /** Removes finished requests from the running set after an update. */
  dropFinishedRunning(): void {
    const { running } = this.queues;
    let j = 0;
    for (const r of running) if (!r.isFinished) running[j++] = r;
    running.length = j;
  }

  /** Removes one request from the running set. */
  removeRunning(r: SchedulerRequest): void {
    const i = this.queues.running.indexOf(r);
    if (i < 0) broken(`request ${r.requestId} is not running`);
    this.queues.running.splice(i, 1);
  }

  private syncOrder(): void {
    if (this.policy.reorderWaiting?.() !== true) return;
    this.queues.waiting.reorder();
    this.queues.swapped.reorder();
    this.queues.running.sort((a, b) => this.policy.compareWaiting(a, b));
  }

  /** Lets the queue's head preempt running requests when the policy allows it and it does not fit. */
  private preemptForHead(s: StepState): void {
    const head = this.nextCandidate();
    const { running } = this.queues;
    if (head === undefined || head.preemptedStep === s.step) return;
    const mayPreempt = this.policy.mayPreemptFor as NonNullable<SchedulingPolicy["mayPreemptFor"]>;
    while (running.length > 0) {
      if (running.length < this.opts.maxNumSeqs && this.fitsBlocks(head)) return;
      const victim = this.policy.pickVictim(running) as SchedulerRequest;
      if (!running.includes(victim)) broken(`policy ${this.policy.name} picked a victim that is not running`);
      if (!mayPreempt.call(this.policy, head, victim)) return;
      this.preempt(victim, s);
    }
  }

  /**
   * True when `head`'s first chunk fits in the free blocks left after the running set's needs.
   * A cheap upper bound (no hashing, no table lookups) settles the common case of a roomy pool.
   */
  private fitsBlocks(head: SchedulerRequest): boolean {
    const free = this.kv.devicePool.numFreeBlocks;
    const maxTokens = Math.min(this.opts.maxNumBatchedTokens, this.opts.maxChunk);
    const { running } = this.queues;
    const held = head.status === "SWAPPED" ? head.numBlocks : 0; // its host blocks come back too
    let upper = held + this.kv.numBlocksNeeded(Math.min(head.numPendingTokens, maxTokens)) + 1;
    for (const r of running)
      upper += r.isDecoding ? 1 : this.kv.numBlocksNeeded(Math.min(r.numPendingTokens, maxTokens)) + 1;
    if (upper <= free) return true;
    const reserved = blocksReservedByRunning(this.slots, running, maxTokens);
    let need: number;
    if (head.status === "SWAPPED") {
      need = head.numBlocks + this.slots.blocksNeeded(head, Math.min(head.numPendingTokens, maxTokens));
    } else {
      const hits = this.kv.getComputedBlocks(head.tokenIds, { extraKeys: head.extraKeys });
      const n = Math.min(head.tokenIds.length - hits.numComputedTokens, maxTokens);
      need = this.kv.numFreeBlocksNeeded(head.requestId, n, { newComputedBlocks: hits.blockIds });
    }
    return need + reserved <= free;
  }

  private scheduleRunning(s: StepState): void {
    const snapshot = this.queues.running.slice();
    for (const decode of [true, false]) {
      for (const r of snapshot) {
        if (r.status !== "RUNNING" || r.allocatedStep === s.step || r.isDecoding !== decode) continue;
        if (s.budget.numTokensLeft === 0) return;
        const n = decode ? 1 : this.chunk(r, s, r.numPendingTokens);
        if (n > 0) this.allocate(r, n, s);
      }
    }
  }

  /** Allocates `n` slots for running `r`, preempting victims until it fits or `r` itself is the victim. */
  private allocate(r: SchedulerRequest, n: number, s: StepState): void {
    for (;;) {
      const added = this.slots.extend(r, n);
      if (added !== null) {
        this.commit(r, n, added, s);
        return;
      }
      const candidates = this.queues.running.filter((c) => c.allocatedStep !== s.step);
      const victim = this.policy.pickVictim(candidates) as SchedulerRequest;
      if (!candidates.includes(victim))
        broken(`policy ${this.policy.name} picked a victim outside the candidates`);
      this.preempt(victim, s);
      s.preemptedRunning = true;
      if (victim === r) return;
    }
  }

  private admit(s: StepState): void {
    const { running } = this.queues;
    while (running.length < this.opts.maxNumSeqs && s.budget.numTokensLeft > 0) {
      const r = this.nextCandidate();
      if (r === undefined || r.preemptedStep === s.step) return;
      const admitted = r.status === "SWAPPED" ? this.swapIn(r, s) : this.admitWaiting(r, s);
      if (!admitted) return;
    }
  }

  private swapIn(r: SchedulerRequest, s: StepState): boolean {
    const n = r.isDecoding ? 1 : this.chunk(r, s, r.numPendingTokens);
    if (n === 0 || !canResume(this.kv, this.slots, r, n)) return false;
    this.queues.swapped.remove(r);
    s.moves.swapIn.push(...resume(this.kv, r));
    const added = this.slots.extend(r, n);
    if (added === null) broken(`request ${r.requestId} swapped in without room for its ${n} tokens`);
    this.startRunning(r);
    this.commit(r, n, added, s);
    return true;
  }

  private admitWaiting(r: SchedulerRequest, s: StepState): boolean {
    const hits = this.kv.getComputedBlocks(r.tokenIds, { extraKeys: r.extraKeys });
    const n = this.chunk(r, s, r.tokenIds.length - hits.numComputedTokens);
    if (n === 0) return false;
    const added = this.slots.admit(r, hits, n);
    if (added === null) return false;
    this.queues.waiting.remove(r);
    r.numComputedTokens = hits.numComputedTokens;
    if (r.firstScheduledStep === null) {
      r.firstScheduledStep = s.step;
      r.numCachedPromptTokens = Math.min(hits.numComputedTokens, r.numPromptTokens);
      this.numActive++;
    }
    this.startRunning(r);
    this.commit(r, n, added, s);
    return true;
  }

  /** Tokens of `r`'s next prefill chunk: its pending tokens within the budget, the cap and the policy. */
  private chunk(r: SchedulerRequest, s: StepState, numPending: number): number {
    const n = Math.min(numPending, s.budget.numTokensLeft, this.opts.maxChunk);
    if (n <= 0 || this.policy.limitPrefill === undefined) return Math.max(0, n);
    const allowed = Math.floor(this.policy.limitPrefill(r, n, s.view));
    return allowed > 0 ? Math.min(n, allowed) : 0; // NaN or a negative answer keeps it waiting
  }

  private commit(r: SchedulerRequest, n: number, added: number[], s: StepState): void {
    r.newBlockIds = added;
    r.allocatedStep = s.step;
    s.budget.schedule(r, n);
  }

  private startRunning(r: SchedulerRequest): void {
    r.status = "RUNNING";
    const { running } = this.queues;
    let lo = 0;
    let hi = running.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.policy.compareWaiting(running[mid] as SchedulerRequest, r) <= 0) lo = mid + 1;
      else hi = mid;
    }
    running.splice(lo, 0, r);
  }

  private preempt(victim: SchedulerRequest, s: StepState): void {
    this.removeRunning(victim);
    const result = evict(this.kv, this.slots, victim, this.opts.preemptionMode, s.step);
    this.builder.notePreempted(victim);
    victim.numPreemptions++;
    victim.preemptedStep = s.step;
    if (result.mode === "swap") {
      s.moves.swapOut.push(...result.pairs);
      victim.status = "SWAPPED";
      this.queues.swapped.push(victim);
      this.numSwapPreemptions++;
    } else {
      victim.status = "WAITING";
      this.queues.waiting.push(victim);
      this.numRecomputePreemptions++;
    }
  }

  private nextCandidate(): SchedulerRequest | undefined {
    const w = this.queues.waiting.peek();
    const sw = this.queues.swapped.peek();
    if (w === undefined || sw === undefined) return w ?? sw;
    return this.policy.compareWaiting(sw, w) <= 0 ? sw : w;
  }
}
