import { isDeepStrictEqual } from "node:util";
import { KVCacheManager } from "@pagoda/kv-paging";
import { greedyParams, type SamplingParams, type SchedulerOutput } from "../contract/index.js";
import type { PolicyOptions } from "../policies/options.js";
import type { SchedulingPolicy } from "../policies/policy.js";
import type { PreemptionMode } from "../preemption.js";
import type { FinishReason, NewRequest, RequestView } from "../request.js";
import { type RequestOutput, Scheduler } from "../scheduler.js";
import { FakeExecutor } from "./fake-executor.js";

/** Sizes and knobs of a {@link Harness}. */
export interface HarnessOptions {
  numBlocks: number;
  blockSize: number;
  numHostBlocks?: number;
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
  policy?: string | SchedulingPolicy;
  policyOptions?: PolicyOptions;
  preemptionMode?: PreemptionMode;
  longPrefillTokenThreshold?: number;
  enablePrefixCaching?: boolean;
  /** Chance in 1,000 that the fake model samples EOS (id 0). */
  stopPermille?: number;
  /** Clock advance per step in ms (default 10). */
  stepMs?: number;
  /** The fake model (see `FakeExecutorOptions.model`). */
  model?: "position" | "history";
  /** Speculative decoding: the scheduler's `maxModelLen`. */
  maxModelLen?: number;
  /**
   * Speculative decoding: called after every update for each running request, with `truth(k)`
   * (the model's next k tokens, perfect drafts); what it returns is proposed for the next step.
   */
  drafts?: (request: RequestView, truth: (k: number) => number[]) => readonly number[] | null;
}

/** What one request produced, collected from `update` outputs. */
export interface HarnessResult {
  tokens: number[];
  finishReason: FinishReason | null;
  stopTokenId: number | null;
}

/**
 * A scheduler wired to a {@link FakeExecutor} and a manual clock, stepping synchronously and
 * checking after every step what must always hold: the step is plain JSON data, the token and
 * sequence budgets hold, a step with work pending schedules at least one token, and no request
 * is scheduled twice.
 */
export class Harness {
  readonly kv: KVCacheManager;
  readonly scheduler: Scheduler;
  readonly executor: FakeExecutor;
  readonly results = new Map<string, HarnessResult>();
  readonly outputs: SchedulerOutput[] = [];
  now = 0;

  constructor(readonly options: HarnessOptions) {
    const { numBlocks, blockSize, numHostBlocks = 0 } = options;
    this.kv = new KVCacheManager({
      numBlocks,
      blockSize,
      numHostBlocks,
      enablePrefixCaching: options.enablePrefixCaching ?? true,
    });
    this.scheduler = new Scheduler({
      kvCache: this.kv,
      maxNumBatchedTokens: options.maxNumBatchedTokens,
      maxNumSeqs: options.maxNumSeqs,
      policy: options.policy,
      policyOptions: options.policyOptions,
      preemptionMode: options.preemptionMode,
      longPrefillTokenThreshold: options.longPrefillTokenThreshold,
      maxModelLen: options.maxModelLen,
      eosTokenIds: [0],
      clock: () => this.now,
    });
    this.executor = new FakeExecutor({
      numBlocks,
      blockSize,
      numHostBlocks,
      stopPermille: options.stopPermille,
      model: options.model,
    });
  }

  /** Adds a request with greedy parameters (or `params`) and the given policy hints. */
  add(id: string, prompt: number[], maxTokens: number, extra: Partial<NewRequest> = {}): void {
    const { params: overrides, ...hints } = extra;
    const params: SamplingParams = { ...greedyParams(maxTokens), ...overrides };
    this.scheduler.addRequest({
      requestId: id,
      promptTokenIds: prompt,
      params,
      arrivalTime: this.now,
      ...hints,
    });
    for (const sampleId of [id, ...(extra.forks ?? []).map((f) => f.requestId)]) {
      this.results.set(sampleId, { tokens: [], finishReason: null, stopTokenId: null });
    }
  }

  /** One schedule → execute → update round with the invariant checks; returns the step and its outputs. */
  step(): { out: SchedulerOutput; outputs: RequestOutput[] } {
    const pending = this.scheduler.hasUnfinished();
    const out = this.scheduler.schedule();
    this.outputs.push(out);
    check(isDeepStrictEqual(JSON.parse(JSON.stringify(out)), out), `step ${out.step} is not plain JSON data`);
    check(
      out.totalNumScheduledTokens <= this.options.maxNumBatchedTokens,
      `step ${out.step} exceeds the token budget`,
    );
    check(
      this.scheduler.stats().numRunning <= this.options.maxNumSeqs,
      `step ${out.step} exceeds maxNumSeqs`,
    );
    check(!pending || out.totalNumScheduledTokens > 0, `step ${out.step} made no progress`);
    const ids = [...out.scheduledNewReqs, ...out.scheduledCachedReqs].map((r) => r.requestId);
    check(new Set(ids).size === ids.length, `step ${out.step} schedules a request twice`);
    const result = this.executor.executeSync(out);
    const outputs = this.scheduler.update(out, result);
    for (const o of outputs) {
      const r = this.results.get(o.requestId);
      check(r !== undefined && r.finishReason === null, `output for unknown or finished '${o.requestId}'`);
      r.tokens.push(...o.newTokenIds);
      r.finishReason = o.finishReason;
      r.stopTokenId = o.stopTokenId;
    }
    this.now += this.options.stepMs ?? 10;
    if (this.options.drafts !== undefined) this.propose(this.options.drafts);
    return { out, outputs };
  }

  private propose(source: NonNullable<HarnessOptions["drafts"]>): void {
    for (const id of this.results.keys()) {
      const r = this.scheduler.getRequest(id);
      if (r?.status !== "RUNNING") continue;
      const drafts = source(r, (k) => this.executor.continuation(id, r.tokenIds, k));
      if (drafts !== null) this.scheduler.proposeSpecTokens(id, drafts);
    }
  }

  /** Steps until nothing is left (or throws after `maxSteps`); `onStep` may add or abort requests. */
  run(maxSteps = 10_000, onStep?: (step: number) => void): number {
    for (let i = 0; i < maxSteps; i++) {
      onStep?.(i);
      if (!this.scheduler.hasUnfinished()) return i;
      this.step();
    }
    throw new Error(`harness: requests still unfinished after ${maxSteps} steps`);
  }

  /**
   * Marks `id` aborted in the results after aborting it in the scheduler, and so every request
   * that left with it (samples not yet forked).
   */
  abort(id: string): boolean {
    const done = this.scheduler.abort(id);
    if (!done) return false;
    for (const [other, r] of this.results) {
      const gone = other === id || this.scheduler.getRequest(other) === undefined;
      if (gone && r.finishReason === null) r.finishReason = "abort";
    }
    return done;
  }

  /** The tokens the fake model generates for `id` after a prompt of `numPrompt` tokens, up to a stop. */
  expectedTokens(id: string, numPrompt: number, maxTokens: number): number[] {
    const tokens: number[] = [];
    while (tokens.length < maxTokens) {
      const t = this.executor.tokenAt(id, numPrompt + tokens.length);
      tokens.push(t);
      if (t === 0) break;
    }
    return tokens;
  }
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`harness: ${message}`);
}

/** A prompt of `n` tokens from a seed: distinct seeds give distinct prompts. */
export function prompt(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => 1 + ((seed * 7919 + i * 104729) % 997));
}
