import { BlockPool } from "@pagoda/kv-paging";

/** What the draft model's KV cache holds for one request. */
export interface DraftSeq {
  /** The executor's id of the request: kept while the executor holds it, so steps send diffs. */
  execId: string;
  /** Blocks of `blocks` the executor's table holds (0: the executor does not know the request). */
  numSentBlocks: number;
  /** The tokens whose K/V are in `blocks`, in order. */
  tokens: number[];
  /** The request's block table in the draft cache. */
  blocks: number[];
}

/**
 * The draft model's paged KV cache bookkeeping: a block pool of its own (no prefix caching) and,
 * per request, the tokens its blocks hold. A request keeps its blocks (and its executor id)
 * between steps, so only tokens it has not seen are computed, and sent, again.
 */
export class DraftCache {
  private readonly pool: BlockPool;
  private readonly seqs = new Map<string, DraftSeq>();
  private numIds = 0;

  constructor(
    numBlocks: number,
    readonly blockSize: number,
  ) {
    this.pool = new BlockPool({ numBlocks, blockSize, enableCaching: false });
  }

  /** Requests holding state. */
  get size(): number {
    return this.seqs.size;
  }

  /** Blocks no request holds. */
  get numFreeBlocks(): number {
    return this.pool.numFreeBlocks;
  }

  get(requestId: string): DraftSeq | undefined {
    return this.seqs.get(requestId);
  }

  /** The request's state, made empty (no tokens, no blocks) when it has none. */
  open(requestId: string): DraftSeq {
    let seq = this.seqs.get(requestId);
    if (seq === undefined) {
      seq = { execId: this.nextExecId(requestId), tokens: [], blocks: [], numSentBlocks: 0 };
      this.seqs.set(requestId, seq);
    }
    return seq;
  }

  // A request dropped and opened again gets a new id: the executor forgets the old one a step later.
  private nextExecId(requestId: string): string {
    return `${requestId}@draft${this.numIds++}`;
  }

  /** Grows the request's table to hold `numTokens`; false, changing nothing, when blocks run out. */
  reserve(seq: DraftSeq, numTokens: number): boolean {
    const need = Math.ceil(numTokens / this.blockSize) - seq.blocks.length;
    return need <= 0 || this.pool.allocateInto(need, seq.blocks);
  }

  /** Frees the request's blocks and forgets it; returns its executor id, or undefined. */
  drop(requestId: string): string | undefined {
    const seq = this.seqs.get(requestId);
    if (seq === undefined) return undefined;
    for (const b of seq.blocks) this.pool.release(b);
    this.seqs.delete(requestId);
    return seq.execId;
  }

  /** Request ids holding state, oldest first (eviction order). */
  requestIds(): string[] {
    return [...this.seqs.keys()];
  }
}
