import type { BlockMap, KVCacheManager, KVCacheStats } from "@pagoda/kv-paging";
import type { ExecutorOutput, SamplingParams, SchedulerOutput, TokenLogprobs } from "./contract/index.js";
import { broken, SchedulerError } from "./errors.js";
import { type ResolvedOptions, resolveOptions, type SchedulerOptions } from "./options.js";
import { OutputBuilder } from "./output-builder.js";
import type { SchedulingPolicy } from "./policies/policy.js";
import { createPolicy } from "./policies/registry.js";
import { type FinishReason, type NewRequest, type RequestView, SchedulerRequest } from "./request.js";
import { RequestQueue } from "./request-queue.js";
import { checkDraftTokens } from "./speculative.js";
import { type PendingStep, StepPlanner } from "./step-planner.js";
import { appendTokens } from "./stop.js";

/** What one request got from one step: its new tokens, and why it finished if it did. */
export interface RequestOutput {
  requestId: string;
  /** Tokens appended this step; a stopping EOS / stop token is included (see `stopTokenId`). */
  newTokenIds: number[];
  /** Log-probabilities of `newTokenIds`, when the request asked for them. */
  logprobs: TokenLogprobs[] | null;
  /** `null` while the request goes on. */
  finishReason: FinishReason | null;
  /** The EOS or stop token id that finished it (the last of `newTokenIds`), else `null`. */
  stopTokenId: number | null;
  /** Speculative draft tokens verified for it this step (0 when none). */
  numDraftTokens: number;
  /** Drafts the executor accepted (sampled tokens - 1 with drafts, before any stop truncation; else 0). */
  numAcceptedDraftTokens: number;
}

/** Request ids by state and who holds each device block: a live view for UIs and debugging. */
export interface SchedulerInspection {
  /** Running requests (prefilling or decoding), in admission order. */
  running: string[];
  /** Waiting requests, in arrival order (not the policy's). */
  waiting: string[];
  /** Requests whose blocks are swapped out to host memory. */
  swapped: string[];
  kv: BlockMap;
}

/** Counters and occupancy of a {@link Scheduler}. */
export interface SchedulerStats {
  numSteps: number;
  numWaiting: number;
  numRunning: number;
  numSwapped: number;
  numFinished: number;
  numAborted: number;
  numRecomputePreemptions: number;
  numSwapPreemptions: number;
  /** Requests the policy admitted ahead of a running prefill chunk, taking its token budget. */
  numBudgetPreemptions: number;
  /** Speculative draft tokens verified since the start. */
  numDraftTokens: number;
  /** Of those, drafts accepted. */
  numAcceptedDraftTokens: number;
  kv: KVCacheStats;
}

const FINISHED_STATUS = {
  stop: "FINISHED_STOPPED",
  length: "FINISHED_LENGTH",
  abort: "FINISHED_ABORTED",
} as const;
const NO_TOKENS: readonly number[] = [];

/**
 * The iteration-level scheduler: each step, running requests get their decode token (or next
 * prefill chunk) first, preempting the policy's victim when blocks run out, then waiting and
 * swapped requests are admitted under the token and sequence budgets. Three calls make a step:
 *
 * @example
 * const out = scheduler.schedule();
 * const result = await executor.execute(out);
 * for (const r of scheduler.update(out, result)) stream(r.requestId, r.newTokenIds, r.finishReason);
 */
export class Scheduler {
  /** The policy deciding the order, the victims and admission. */
  readonly policy: SchedulingPolicy;
  private readonly kv: KVCacheManager;
  private readonly opts: ResolvedOptions;
  private readonly requests = new Map<string, SchedulerRequest>();
  private readonly planner: StepPlanner;
  private readonly builder: OutputBuilder;
  private pending: PendingStep | null = null;
  private seq = 0;
  private numFinished = 0;
  private numAborted = 0;

  constructor(options: SchedulerOptions) {
    this.opts = resolveOptions(options);
    this.kv = options.kvCache;
    const policy = options.policy ?? "fcfs";
    this.policy = typeof policy === "string" ? createPolicy(policy, options.policyOptions) : policy;
    const order = (a: SchedulerRequest, b: SchedulerRequest) => this.policy.compareWaiting(a, b);
    const groupOf = this.policy.groupOf?.bind(this.policy);
    this.builder = new OutputBuilder(this.kv);
    this.planner = new StepPlanner(this.kv, this.policy, this.opts, this.builder, {
      waiting: new RequestQueue(order, groupOf),
      swapped: new RequestQueue(order, groupOf),
      running: [],
    });
  }

  /**
   * Queues a request and its samples (`forks`). Throws `scheduler.duplicate_request` for an id
   * still in flight (or given twice), `scheduler.invalid_request` for an empty prompt,
   * `maxTokens < 1` or more samples than `maxNumSeqs`, and `scheduler.request_too_long` when
   * prompt + `maxTokens` cannot fit in the whole KV cache. Returns the request (not its samples).
   */
  addRequest(input: NewRequest): RequestView {
    const forks = input.forks ?? [];
    const samples = [input, ...forks];
    const ids = new Set<string>();
    for (const { requestId } of samples) {
      if (this.requests.has(requestId) || ids.has(requestId)) {
        throw new SchedulerError(
          "scheduler.duplicate_request",
          `request '${requestId}' is already in flight`,
          {
            details: { requestId },
          },
        );
      }
      ids.add(requestId);
    }
    if (samples.length > this.opts.maxNumSeqs) {
      throw new SchedulerError(
        "scheduler.invalid_request",
        `request '${input.requestId}' has ${samples.length} samples but maxNumSeqs is ${this.opts.maxNumSeqs}`,
        {
          details: {
            requestId: input.requestId,
            numSamples: samples.length,
            maxNumSeqs: this.opts.maxNumSeqs,
          },
        },
      );
    }
    for (const { requestId, params } of samples) this.checkRequest(requestId, input.promptTokenIds, params);
    const arrivalTime = input.arrivalTime ?? this.opts.clock();
    const request = this.track(new SchedulerRequest(input, arrivalTime, this.seq++));
    const children = forks.map((f) =>
      this.track(new SchedulerRequest({ ...input, ...f, forks: [] }, arrivalTime, this.seq++)),
    );
    this.planner.forks.attach(request, children);
    this.planner.queues.waiting.push(request);
    return request;
  }

  /** The most requests (samples included) in the running set at once. */
  get maxNumSeqs(): number {
    return this.opts.maxNumSeqs;
  }

  /**
   * Speculative decoding: proposes `draftTokenIds` to follow `requestId`'s known tokens, to be
   * verified in its next step only (call it after `update`, before `schedule`; a later call
   * replaces them, an empty list withdraws them). The next step trims them to the token budget
   * left, to `maxTokens - numOutputTokens - 1`, to `maxModelLen` and to the free KV blocks, and
   * drops them unless the request decodes then (not for a prefill chunk, a resume or a fork).
   * Returns false, keeping nothing, when the request is unknown, finished, not decoding, or has
   * no output yet (at its samples' fork point).
   * Throws `scheduler.invalid_draft_tokens` when a draft is not a token id (an integer >= 0).
   *
   * @example
   * for (const out of scheduler.update(step, result)) scheduler.proposeSpecTokens(out.requestId, ngram(out));
   */
  proposeSpecTokens(requestId: string, draftTokenIds: readonly number[]): boolean {
    checkDraftTokens(requestId, draftTokenIds);
    const r = this.requests.get(requestId);
    // A request with no output yet decodes only at its fork point: its samples start there, undrafted.
    if (r === undefined || r.status !== "RUNNING" || !r.isDecoding || r.numOutputTokens === 0) {
      this.planner.spec.discard(requestId);
      return false;
    }
    this.planner.spec.propose(requestId, draftTokenIds);
    return true;
  }

  /** Decides the next step. Call {@link update} with its result before the next `schedule`. */
  schedule(): SchedulerOutput {
    if (this.pending !== null) {
      throw new SchedulerError(
        "scheduler.stale_output",
        `step ${this.pending.step} was scheduled but not updated`,
      );
    }
    const { output, pending } = this.planner.plan();
    this.pending = pending;
    return output;
  }

  /**
   * Applies one executed step: appends each request's sampled tokens, finishes requests that hit
   * a stop condition (freeing their blocks at once) and returns what changed per request.
   * Requests aborted since `schedule` are skipped. With k drafts a request takes 1 + accepted
   * tokens into its cache (rejected drafts' slots, and blocks they emptied, are given back).
   * Throws `scheduler.bad_executor_output` when a request that had to sample did not, one that
   * could not sample did, or one with k drafts did not sample 1 to k + 1 tokens, all but the
   * last equal to its drafts.
   */
  update(output: SchedulerOutput, result: ExecutorOutput): RequestOutput[] {
    const pending = this.pending;
    if (pending === null || pending.step !== output.step) {
      throw new SchedulerError(
        "scheduler.stale_output",
        `step ${output.step} is not the step awaiting update`,
        {
          details: { step: output.step, pending: pending?.step ?? null },
        },
      );
    }
    this.pending = null;
    const now = this.opts.clock();
    const outputs: RequestOutput[] = [];
    let finished = false;
    const { requests, tokens } = pending.budget;
    const { spec, slots } = this.planner;
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i] as SchedulerRequest;
      if (r.isFinished) continue;
      const n = tokens[i] as number;
      const sampled = result.sampledTokenIds[r.requestId] ?? NO_TOKENS;
      const drafts = pending.drafts?.get(r) ?? NO_TOKENS;
      const numAccepted = drafts.length > 0 ? spec.accept(r, drafts, sampled, output.step) : 0;
      r.numComputedTokens += n - drafts.length + numAccepted;
      if ((r.numComputedTokens === r.tokenIds.length + numAccepted) !== sampled.length > 0) {
        throw new SchedulerError(
          "scheduler.bad_executor_output",
          `request '${r.requestId}' sampled ${sampled.length} tokens at ${r.numComputedTokens} of ${r.tokenIds.length} known`,
          { details: { requestId: r.requestId, step: output.step } },
        );
      }
      const before = r.tokenIds.length;
      const reason = appendTokens(r, sampled, this.opts.eosTokenIds);
      const numKept = r.tokenIds.length - before;
      if (numKept > 0) {
        r.firstTokenTime ??= now;
        r.lastTokenTime = now;
      }
      this.policy.onTokensServed?.(r, n, numKept);
      if (numKept === 0 && reason === null) continue;
      const logprobs = result.logprobs[r.requestId];
      outputs.push({
        requestId: r.requestId,
        newTokenIds: sampled.slice(0, numKept),
        logprobs: logprobs === undefined ? null : logprobs.slice(0, numKept),
        finishReason: reason,
        stopTokenId: r.stopTokenId,
        numDraftTokens: drafts.length,
        numAcceptedDraftTokens: numAccepted,
      });
      if (reason !== null) {
        this.finish(r, reason);
        finished = true;
      } else if (drafts.length > 0 && slots.settleDrafts(r)) {
        r.tableReplaced = true; // trailing blocks were freed: the executor needs the whole table
      }
    }
    if (finished) this.planner.dropFinishedRunning();
    return outputs;
  }

  /**
   * Aborts a request in any state and frees its blocks at once; false when it is not in flight.
   * Aborting a request before its samples are forked cancels them too; after, each is on its own.
   */
  abort(requestId: string): boolean {
    return this.finishRequest(requestId, "abort");
  }

  /**
   * Finishes a request for a reason found outside the scheduler (a stop string the engine saw
   * after detokenizing, a client gone); frees its blocks at once. False when it is not in flight.
   */
  finishRequest(requestId: string, reason: FinishReason): boolean {
    const r = this.requests.get(requestId);
    if (r === undefined) return false;
    if (r.status === "RUNNING") this.planner.removeRunning(r);
    this.finish(r, reason);
    return true;
  }

  /** True while any request waits, runs or is swapped out. */
  hasUnfinished(): boolean {
    return this.requests.size > 0;
  }

  /** The request in flight with this id, or `undefined`. */
  getRequest(requestId: string): RequestView | undefined {
    return this.requests.get(requestId);
  }

  /** Who waits, runs and is swapped out, and the KV cache's block map; O(requests + blocks). */
  inspect(): SchedulerInspection {
    const waiting: string[] = [];
    const swapped: string[] = [];
    for (const r of this.requests.values()) {
      if (r.status === "WAITING") waiting.push(r.requestId);
      else if (r.status === "SWAPPED") swapped.push(r.requestId);
    }
    return {
      running: this.planner.queues.running.map((r) => r.requestId),
      waiting,
      swapped,
      kv: this.kv.blockMap(),
    };
  }

  /**
   * Drops every cached prefix while no running request holds blocks (between benchmark runs);
   * false, changing nothing, otherwise. See `KVCacheManager.resetPrefixCache`.
   */
  resetPrefixCache(): boolean {
    return this.kv.resetPrefixCache();
  }

  /** Counters and occupancy, the KV cache's included. */
  stats(): SchedulerStats {
    const { queues, numRecomputePreemptions, numSwapPreemptions, numBudgetPreemptions, numSteps } =
      this.planner;
    return {
      numSteps,
      numWaiting: queues.waiting.size,
      numRunning: queues.running.length,
      numSwapped: queues.swapped.size,
      numFinished: this.numFinished,
      numAborted: this.numAborted,
      numRecomputePreemptions,
      numSwapPreemptions,
      numBudgetPreemptions,
      numDraftTokens: this.planner.spec.numDraftTokens,
      numAcceptedDraftTokens: this.planner.spec.numAcceptedDraftTokens,
      kv: this.kv.stats(),
    };
  }

  private finish(r: SchedulerRequest, reason: FinishReason): void {
    if (r.isFinished) broken(`request ${r.requestId} finished twice`);
    if (r.forkOf !== null) this.planner.forks.detach(r);
    else if (r.status === "WAITING") this.planner.queues.waiting.remove(r);
    if (r.status === "SWAPPED") this.planner.queues.swapped.remove(r);
    r.finishReason = reason;
    r.status = FINISHED_STATUS[reason];
    this.planner.spec.discard(r.requestId);
    this.kv.free(r.requestId);
    this.builder.noteFinished(r);
    if (r.firstScheduledStep !== null) this.planner.numActive--;
    this.requests.delete(r.requestId);
    this.numFinished++;
    if (reason === "abort") this.numAborted++;
    this.policy.onFinished?.(r);
    // Samples not yet forked cannot go on without the prompt's K/V: they end with it.
    for (const sample of r.pendingForks.slice()) this.finish(sample, reason);
  }

  private track(request: SchedulerRequest): SchedulerRequest {
    this.requests.set(request.requestId, request);
    this.policy.onArrival?.(request);
    return request;
  }

  private checkRequest(requestId: string, promptTokenIds: readonly number[], params: SamplingParams): void {
    if (promptTokenIds.length === 0 || !Number.isInteger(params.maxTokens) || params.maxTokens < 1) {
      throw new SchedulerError(
        "scheduler.invalid_request",
        `request '${requestId}' needs a non-empty prompt and maxTokens >= 1 (got ${promptTokenIds.length} prompt tokens, maxTokens ${params.maxTokens})`,
        { details: { requestId, numPromptTokens: promptTokenIds.length, maxTokens: params.maxTokens } },
      );
    }
    const blocks = this.kv.numBlocksNeeded(promptTokenIds.length + params.maxTokens);
    if (blocks > this.kv.devicePool.numTotalBlocks) {
      throw new SchedulerError(
        "scheduler.request_too_long",
        `request '${requestId}' may need ${blocks} blocks but the KV cache has ${this.kv.devicePool.numTotalBlocks}`,
        { details: { requestId, blocks, numTotalBlocks: this.kv.devicePool.numTotalBlocks } },
      );
    }
  }
}
