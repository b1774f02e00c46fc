// Two 32-bit lanes of a hash over the n tokens before a position, folded into one exact float key.
const LANE_A = 0x9e3779b1;
const LANE_B = 0x85ebca77;
const HIGH = 2 ** 21;

/**
 * The n-grams of one request's tokens, for n in [ngramMin, ngramMax], each mapped to the end of
 * its latest occurrence that has a token after it. It grows by the appended tokens only, so a
 * step costs O(ngramMax) however long the prompt, and a lookup is O(ngramMax) per n tried.
 */
export class NgramIndex {
  private readonly tokens: number[] = [];
  /** maps[n - ngramMin]: hash of n tokens -> the index of their last token, latest occurrence. */
  private readonly maps: Map<number, number>[];

  constructor(
    private readonly ngramMin: number,
    private readonly ngramMax: number,
  ) {
    this.maps = Array.from({ length: ngramMax - ngramMin + 1 }, () => new Map());
  }

  /** Tokens indexed. */
  get length(): number {
    return this.tokens.length;
  }

  /**
   * Brings the index up to `tokenIds`. A list that does not extend the indexed one (its tail
   * differs: another sequence under the same id) is indexed again from scratch.
   */
  sync(tokenIds: readonly number[]): void {
    if (!this.extendedBy(tokenIds)) {
      this.tokens.length = 0;
      for (const m of this.maps) m.clear();
    }
    for (let i = this.tokens.length; i < tokenIds.length; i++) this.push(tokenIds[i] as number);
  }

  /**
   * `k` tokens that followed the latest earlier occurrence of the longest n-gram (n from
   * ngramMax down to ngramMin) ending the indexed tokens; empty when none occurred before. When
   * fewer than `k` tokens follow it (it ended p ≤ k tokens before the end), the copy reads on
   * into its own drafts: the text is taken to repeat with period p, as a loop does.
   */
  propose(k: number): number[] {
    const t = this.tokens;
    const end = t.length - 1;
    for (let n = Math.min(this.ngramMax, end); n >= this.ngramMin; n--) {
      const at = this.maps[n - this.ngramMin]?.get(this.hashEndingAt(end, n));
      if (at === undefined || !this.sameNgram(at, end, n)) continue;
      // Greedy decoding of small or random models falls into short loops: stopping at the end
      // would propose one token a step in a loop of period 1, where k are as sure.
      const period = end - at;
      const drafts: number[] = [];
      for (let j = 0; j < k; j++) drafts.push((j < period ? t[at + 1 + j] : drafts[j - period]) as number);
      return drafts;
    }
    return [];
  }

  // A token's arrival gives the n-grams ending just before it a follower: they become findable.
  private push(token: number): void {
    const t = this.tokens;
    const end = t.length - 1;
    if (end >= 0) {
      let a = 0;
      let b = 0;
      for (let n = 1; n <= Math.min(this.ngramMax, end + 1); n++) {
        const x = t[end - n + 1] as number;
        a = Math.imul(a ^ x, LANE_A) + n;
        b = Math.imul(b + x, LANE_B) ^ (b >>> 15);
        if (n >= this.ngramMin) this.maps[n - this.ngramMin]?.set(key(a, b), end);
      }
    }
    t.push(token);
  }

  private hashEndingAt(end: number, n: number): number {
    let a = 0;
    let b = 0;
    for (let i = 1; i <= n; i++) {
      const x = this.tokens[end - i + 1] as number;
      a = Math.imul(a ^ x, LANE_A) + i;
      b = Math.imul(b + x, LANE_B) ^ (b >>> 15);
    }
    return key(a, b);
  }

  // A hash collision must cost a proposal, never propose after a different n-gram.
  private sameNgram(at: number, end: number, n: number): boolean {
    for (let i = 0; i < n; i++) if (this.tokens[at - i] !== this.tokens[end - i]) return false;
    return true;
  }

  // Tokens only grow in the scheduler; checking the last ngramMax indexed ones catches a swap.
  private extendedBy(tokenIds: readonly number[]): boolean {
    const t = this.tokens;
    if (tokenIds.length < t.length) return false;
    for (let i = Math.max(0, t.length - this.ngramMax); i < t.length; i++) {
      if (t[i] !== tokenIds[i]) return false;
    }
    return true;
  }
}

function key(a: number, b: number): number {
  return (a >>> 0) * HIGH + (b >>> 11);
}
