import { NgramIndex } from "./ngram-index.js";
import type { DraftRequest, Proposer } from "./proposer.js";

/** Options of {@link NgramProposer}. */
export interface NgramOptions {
  /** Shortest n-gram to look up (≥ 1). */
  ngramMin: number;
  /** Longest n-gram to look up (≥ ngramMin); longer ones are tried first. */
  ngramMax: number;
}

/**
 * Prompt lookup (vLLM's `ngram` method): the last n tokens of a request (n from ngramMax down
 * to ngramMin) are looked up among its earlier tokens, prompt and output, and the tokens that
 * followed their latest occurrence are the drafts. No model runs; it pays on text that repeats
 * its context (summaries, edits, code). Each request keeps an incremental {@link NgramIndex}.
 *
 * @example
 * const p = new NgramProposer({ ngramMin: 1, ngramMax: 3 });
 * await p.propose([{ requestId: "a", tokenIds: [5, 6, 7, 8, 5, 6], maxDrafts: 2 }]); // a -> [7, 8]
 */
export class NgramProposer implements Proposer {
  readonly method = "ngram";
  private readonly indexes = new Map<string, NgramIndex>();

  constructor(private readonly options: NgramOptions) {}

  get numRequests(): number {
    return this.indexes.size;
  }

  async propose(requests: readonly DraftRequest[]): Promise<Map<string, number[]>> {
    const drafts = new Map<string, number[]>();
    for (const r of requests) {
      if (r.maxDrafts <= 0) continue;
      let index = this.indexes.get(r.requestId);
      if (index === undefined) {
        index = new NgramIndex(this.options.ngramMin, this.options.ngramMax);
        this.indexes.set(r.requestId, index);
      }
      index.sync(r.tokenIds);
      const d = index.propose(r.maxDrafts);
      if (d.length > 0) drafts.set(r.requestId, d);
    }
    return drafts;
  }

  drop(requestId: string): void {
    this.indexes.delete(requestId);
  }

  async close(): Promise<void> {
    this.indexes.clear();
  }
}
