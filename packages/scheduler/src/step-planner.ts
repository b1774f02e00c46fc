import type { ComputedBlocks, KVCacheManager } from "@pagoda/kv-paging";
import { StepBudget } from "./budget.js";
import type { SchedulerOutput } from "./contract/index.js";
import { broken } from "./errors.js";
import { Forks } from "./forks.js";
import type { ResolvedOptions } from "./options.js";
import type { OutputBuilder, StepMoves } from "./output-builder.js";
import type { SchedulingPolicy, StepView } from "./policies/policy.js";
import { blocksReservedByRunning, canResume, evict, headFits, resume } from "./preemption.js";
import type { SchedulerRequest } from "./request.js";
import type { RequestQueue } from "./request-queue.js";
import { SlotReserver } from "./slots.js";
import { type ScheduledDrafts, SpecDrafts } from "./speculative.js";

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
  /** Speculative drafts scheduled this step, `null` for none. */
  drafts: ScheduledDrafts | null;
}

interface StepState {
  step: number;
  budget: StepBudget;
  moves: StepMoves;
  view: StepView;
  /** A running request was preempted for lack of blocks: admit nothing more this step. */
  preemptedRunning: boolean;
  /** `maxNumSeqs` seats that running requests hold for samples not yet forked. */
  reservedSeats: number;
  /** The queue's head could not be admitted ahead of a running prefill: stop trying this step. */
  aheadBlocked: boolean;
  /** Requests preempted this step: blocks are short, so drafts take no new block. */
  numPreempted: number;
  drafts: ScheduledDrafts | null;
}

/**
 * Plans one step, in vLLM v1's order: (1) a waiting head that the policy lets preempt makes
 * room first; (2) running requests, decodes before prefill chunks, allocate their slots,
 * preempting the policy's victim when blocks run out, and before each prefill chunk the queue's
 * heads that the policy lets pause it (`mayPauseFor`) are admitted first, taking its token
 * budget; (3) swapped and waiting requests are admitted in policy order while a sequence slot,
 * tokens and blocks remain. Admission stops at the first request that does not fit, so nothing
 * overtakes the policy's head. Before all that, requests that reached their fork point fork
 * their samples (see {@link Forks}).
 */
export class StepPlanner {
  numSteps = 0;
  /** Requests admitted at least once and not finished. */
  numActive = 0;
  numRecomputePreemptions = 0;
  numSwapPreemptions = 0;
  /** Requests admitted ahead of a running prefill chunk, taking its token budget. */
  numBudgetPreemptions = 0;
  /** Samples waiting for their fork. */
  readonly forks: Forks;
  /** Speculative decoding's proposals and counters. */
  readonly spec = new SpecDrafts();
  /** Slot reservation (the scheduler's `update` gives back rejected drafts' slots through it). */
  readonly slots: SlotReserver;

  constructor(
    private readonly kv: KVCacheManager,
    private readonly policy: SchedulingPolicy,
    private readonly opts: ResolvedOptions,
    private readonly builder: OutputBuilder,
    readonly queues: Queues,
  ) {
    this.slots = new SlotReserver(kv);
    this.forks = new Forks(kv);
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
      reservedSeats: 0,
      aheadBlocked: false,
      numPreempted: 0,
      drafts: null,
    };
    const { waiting, swapped, running } = this.queues;
    if (this.forks.numUnforked > 0) {
      for (const r of running.slice()) if (this.forks.isReady(r)) this.startSamples(r);
      s.reservedSeats = this.forks.reservedSeats(running);
    }
    const mayPreempt = this.policy.mayPreemptFor !== undefined;
    const seats = running.length + s.reservedSeats;
    if (waiting.size + swapped.size > 0 && (seats < this.opts.maxNumSeqs || mayPreempt)) {
      this.syncOrder();
      if (mayPreempt) this.preemptForHead(s);
    }
    this.scheduleRunning(s);
    if (!s.preemptedRunning) this.admit(s);
    s.moves.blockCopies = this.kv.takeCopyPairs();
    const output = this.builder.build(step, budget, s.moves, s.drafts);
    return { output, pending: { step, budget, drafts: s.drafts } };
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
    const maxTokens = Math.min(this.opts.maxNumBatchedTokens, this.opts.maxChunk);
    while (running.length > 0) {
      const seats = running.length + s.reservedSeats + head.numSeats;
      if (seats <= this.opts.maxNumSeqs && headFits(this.kv, this.slots, running, head, maxTokens)) return;
      const victim = this.policy.pickVictim(running) as SchedulerRequest;
      if (!running.includes(victim)) broken(`policy ${this.policy.name} picked a victim that is not running`);
      if (!mayPreempt.call(this.policy, head, victim)) return;
      this.preempt(victim, s);
    }
  }

  /**
   * Running decodes first (one token each), then running prefill chunks in policy order. Before
   * each chunk, waiting or swapped requests that the policy lets pause it are admitted: they take
   * the budget first, and the chunk gets what is left (possibly nothing: it pauses this step,
   * keeping its computed tokens and blocks). Speculative drafts extend the decodes in between.
   */
  private scheduleRunning(s: StepState): void {
    const snapshot = this.queues.running.slice();
    for (const r of snapshot) {
      if (s.budget.numTokensLeft === 0) break;
      if (r.status === "RUNNING" && r.allocatedStep !== s.step && r.isDecoding) this.allocate(r, 1, s);
    }
    if (this.spec.size > 0) this.scheduleDrafts(s);
    for (const r of snapshot) {
      if (r.status !== "RUNNING" || r.allocatedStep === s.step || r.isDecoding) continue;
      this.admitAhead(r, s);
      if (s.budget.numTokensLeft === 0) return;
      const n = this.chunk(r, s, this.forks.numPending(r, r.numComputedTokens));
      if (n > 0) this.allocate(r, n, s);
    }
  }

  /**
   * Gives this step's decodes their proposed drafts from the budget left and the free blocks
   * that running prefill chunks will not need (an upper bound of those): drafts never cost
   * anyone a token or a preemption. After a preemption blocks are short: drafts then only fill
   * free slots of blocks their request holds.
   */
  private scheduleDrafts(s: StepState): void {
    const maxTokens = Math.min(s.budget.numTokensLeft, this.opts.maxChunk);
    const needed = blocksReservedByRunning(this.slots, this.queues.running, maxTokens);
    const free = s.numPreempted > 0 ? 0 : this.kv.devicePool.numFreeBlocks - needed;
    const room = {
      spareBlocks: Math.max(0, free),
      maxModelLen: this.opts.maxModelLen,
      blockSize: this.kv.blockSize,
    };
    s.drafts = this.spec.schedule(s.budget, this.slots, room);
  }

  /** Admits the queue's heads that the policy's `mayPauseFor` puts ahead of running prefill `r`. */
  private admitAhead(r: SchedulerRequest, s: StepState): void {
    const mayPause = this.policy.mayPauseFor;
    if (mayPause === undefined || s.preemptedRunning || s.aheadBlocked) return;
    while (s.budget.numTokensLeft > 0) {
      const head = this.nextCandidate();
      if (head === undefined || !mayPause.call(this.policy, head, r)) break;
      if (!this.admitNext(s)) {
        s.aheadBlocked = true; // the head does not fit: no later prefill changes that
        return;
      }
      this.numBudgetPreemptions++;
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
    while (this.admitNext(s));
  }

  /** Admits the next swapped or waiting request in policy order if a seat, tokens and blocks allow. */
  private admitNext(s: StepState): boolean {
    const { running } = this.queues;
    const max = this.opts.maxNumSeqs;
    if (running.length + s.reservedSeats >= max || s.budget.numTokensLeft <= 0) return false;
    const r = this.nextCandidate();
    if (r === undefined || r.preemptedStep === s.step) return false;
    if (running.length + s.reservedSeats + r.numSeats > max) return false;
    const admitted = r.status === "SWAPPED" ? this.swapIn(r, s) : this.admitWaiting(r, s);
    if (admitted) s.reservedSeats += r.pendingForks.length;
    return admitted;
  }

  // A swapped request with samples waiting is short of its fork point: it forks only when
  // running, at the start of the step after its last pre-fork chunk, before any preemption.
  private swapIn(r: SchedulerRequest, s: StepState): boolean {
    const n = r.isDecoding ? 1 : this.chunk(r, s, this.forks.numPending(r, r.numComputedTokens));
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
    // Prompt log-probabilities need every prompt position's logits: no hits for such requests (vLLM's rule).
    const hits =
      r.params.promptLogprobs != null
        ? { blockIds: [], numComputedTokens: 0 }
        : this.kv.getComputedBlocks(r.tokenIds, { extraKeys: r.extraKeys });
    if (r.pendingForks.length > 0 && hits.numComputedTokens === r.forkPoint)
      return this.admitAtFork(r, hits, s);
    const n = this.chunk(r, s, this.forks.numPending(r, hits.numComputedTokens));
    if (n === 0) return false;
    const added = this.slots.admit(r, hits, n);
    if (added === null) return false;
    this.startAdmitted(r, hits, s);
    this.commit(r, n, added, s);
    return true;
  }

  /**
   * Admits `r` whose prefix-cache hits (possibly none) already reach its fork point, which is
   * then a block boundary: it takes the hits, forks its samples at once, and each of them gets
   * its last prompt token this step as far as the budget and free blocks go (nothing is shared
   * partly filled, so nothing is copied).
   */
  private admitAtFork(r: SchedulerRequest, hits: ComputedBlocks, s: StepState): boolean {
    if (this.chunk(r, s, 1) === 0) return false;
    if (!this.kv.canAllocate(r.requestId, 1, { newComputedBlocks: hits.blockIds })) return false;
    if (this.slots.admit(r, hits, 0) === null) broken(`request ${r.requestId} lost its prefix-cache hits`);
    this.startAdmitted(r, hits, s);
    const samples = this.startSamples(r);
    const added = this.slots.extend(r, 1);
    if (added === null) broken(`request ${r.requestId} forked without room for its last prompt token`);
    this.commit(r, 1, added, s);
    for (const sample of samples) {
      const slots = s.budget.numTokensLeft > 0 ? this.slots.extend(sample, 1) : null;
      if (slots === null) break;
      this.commit(sample, 1, slots, s);
    }
    return true;
  }

  /** Moves waiting `r`, whose slots were just reserved after `hits`, to the running set. */
  private startAdmitted(r: SchedulerRequest, hits: ComputedBlocks, s: StepState): void {
    this.queues.waiting.remove(r);
    r.numComputedTokens = hits.numComputedTokens;
    if (r.firstScheduledStep === null) {
      r.firstScheduledStep = s.step;
      r.numCachedPromptTokens = Math.min(hits.numComputedTokens, r.numPromptTokens);
      this.numActive++;
    }
    this.startRunning(r);
  }

  /** Forks running `parent`'s samples into the running set; returns them. */
  private startSamples(parent: SchedulerRequest): SchedulerRequest[] {
    const samples = this.forks.fork(parent);
    for (const sample of samples) {
      this.numActive++;
      this.startRunning(sample);
    }
    return samples;
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
    s.numPreempted++;
    s.reservedSeats -= victim.pendingForks.length;
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
