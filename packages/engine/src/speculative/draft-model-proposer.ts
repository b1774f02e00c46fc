import type { Executor } from "@pagoda/scheduler";
import { EngineError } from "../errors.js";
import { DraftCache } from "./draft-cache.js";
import { DraftSteps, type DraftWork } from "./draft-steps.js";
import type { DraftRequest, Proposer } from "./proposer.js";

/** Options of {@link DraftModelProposer}. */
export interface DraftModelOptions {
  /** An executor over the draft model, owned (and closed) by the proposer from now on. */
  executor: Executor;
  /** Blocks of the executor's KV cache, the null block included. */
  numBlocks: number;
  blockSize: number;
  /** The executor's per-step limits. */
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
  /** The longest sequence the draft executor takes. */
  maxModelLen: number;
}

/**
 * Drafts with a smaller model that shares the target's vocabulary: each step it proposes k greedy
 * tokens per request, all requests batched, in one catch-up pass over the tokens its cache lacks
 * (chunked to the executor's token budget) and then k − 1 one-token passes. Its paged KV cache is
 * its own: per request it remembers which tokens its blocks hold and, each call, keeps only the
 * prefix shared with the request's tokens now, so rejected drafts, preemptions and forks heal by
 * themselves. The executor keeps each request between calls and is sent only what changed (new
 * blocks, the agreed count, the tokens after it), never the whole prompt again. When blocks run
 * out it evicts requests left out of the call, then skips requests.
 */
export class DraftModelProposer implements Proposer {
  readonly method = "draft";
  private readonly cache: DraftCache;
  private readonly steps = new DraftSteps();
  /** The round in progress, by request id: a request dropped meanwhile leaves it. */
  private round: Map<string, DraftWork> | null = null;

  constructor(private readonly options: DraftModelOptions) {
    if (options.maxNumBatchedTokens < options.maxNumSeqs) {
      throw new EngineError(
        "engine.bad_option",
        `the draft executor's maxNumBatchedTokens (${options.maxNumBatchedTokens}) is below its maxNumSeqs (${options.maxNumSeqs})`,
      );
    }
    this.cache = new DraftCache(options.numBlocks, options.blockSize);
  }

  /** The draft model's executor (the proposer closes it). */
  get executor(): Executor {
    return this.options.executor;
  }

  get numRequests(): number {
    return this.cache.size;
  }

  /** Draft-cache blocks no request holds (the null block aside). */
  get numFreeBlocks(): number {
    return this.cache.numFreeBlocks;
  }

  async propose(requests: readonly DraftRequest[]): Promise<Map<string, number[]>> {
    const work = this.plan(requests);
    const { maxNumSeqs } = this.options;
    this.round = new Map(work.map((w) => [w.requestId, w]));
    try {
      for (let i = 0; i < work.length; i += maxNumSeqs) await this.runGroup(work.slice(i, i + maxNumSeqs));
    } finally {
      this.round = null;
    }
    const drafts = new Map<string, number[]>();
    for (const w of work) {
      if (w.dropped) continue;
      drafts.set(w.requestId, w.drafts);
      // The cache now holds the tokens and every draft but the last (sampled, not computed).
      // `plan` left the list at the prefix it kept: append this round's tokens rather than copy
      // the whole sequence every step.
      const cached = w.seq.tokens;
      for (let i = cached.length; i < w.tokenIds.length; i++) cached.push(w.tokenIds[i] as number);
      for (let j = 0; j < w.drafts.length - 1; j++) cached.push(w.drafts[j] as number);
    }
    return drafts;
  }

  drop(requestId: string): void {
    // An abort may come while a round awaits the executor: the request takes no further step.
    const w = this.round?.get(requestId);
    if (w !== undefined) w.dropped = true;
    const execId = this.cache.drop(requestId);
    if (execId !== undefined) this.steps.forget(execId);
  }

  close(): Promise<void> {
    return this.options.executor.close();
  }

  // Per request: how many cached tokens still match, and blocks for the tokens and k − 1 drafts.
  private plan(requests: readonly DraftRequest[]): DraftWork[] {
    const inCall = new Set(requests.map((r) => r.requestId));
    const work: DraftWork[] = [];
    for (const r of requests) {
      const numTokens = r.tokenIds.length;
      const numDrafts = Math.min(r.maxDrafts, this.options.maxModelLen - numTokens + 1);
      if (numDrafts <= 0 || numTokens === 0) continue;
      const seq = this.cache.open(r.requestId);
      if (!this.reserve(seq, numTokens + numDrafts - 1, inCall)) continue;
      // The last known token is the first input of this round: it is never taken as cached.
      const numComputed = Math.min(commonPrefix(seq.tokens, r.tokenIds), numTokens - 1);
      seq.tokens.length = numComputed;
      work.push({
        requestId: r.requestId,
        seq,
        tokenIds: r.tokenIds,
        numComputed,
        sent: false,
        numDrafts,
        drafts: [],
      });
    }
    return work;
  }

  private reserve(seq: DraftWork["seq"], numTokens: number, inCall: ReadonlySet<string>): boolean {
    if (this.cache.reserve(seq, numTokens)) return true;
    for (const id of this.cache.requestIds()) {
      if (inCall.has(id)) continue;
      this.drop(id);
      if (this.cache.reserve(seq, numTokens)) return true;
    }
    return false;
  }

  private async runGroup(group: DraftWork[]): Promise<void> {
    // Catch-up: every token the cache lacks, under the token budget; the last chunk samples draft 1.
    const budget = this.options.maxNumBatchedTokens;
    let items: Array<{ work: DraftWork; numTokens: number }> = [];
    let used = 0;
    for (const w of group) {
      let left = w.tokenIds.length - w.numComputed;
      while (left > 0) {
        const n = Math.min(left, budget - used);
        items.push({ work: w, numTokens: n });
        used += n;
        left -= n;
        if (used === budget) {
          await this.execute(items);
          items = [];
          used = 0;
        }
      }
    }
    if (items.length > 0) await this.execute(items);
    // Then one token at a time: each computes the latest draft and samples the next.
    for (let j = 1; ; j++) {
      const next = group.filter((w) => w.numDrafts > j && !w.dropped);
      if (next.length === 0) break;
      await this.execute(next.map((work) => ({ work, numTokens: 1 })));
    }
  }

  private async execute(all: Array<{ work: DraftWork; numTokens: number }>): Promise<void> {
    const items = all.filter((i) => !i.work.dropped);
    if (items.length === 0) return;
    const out = this.steps.build(items);
    const result = await this.options.executor.execute(out);
    for (const { work } of items) {
      if (work.numComputed < work.tokenIds.length + work.drafts.length) continue;
      const token = result.sampledTokenIds[work.seq.execId]?.[0];
      if (token === undefined) {
        throw new EngineError(
          "engine.draft_failed",
          `the draft executor sampled nothing for '${work.requestId}'`,
        );
      }
      work.drafts.push(token);
    }
  }
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
