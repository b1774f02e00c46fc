import { hashString } from "@pagoda/kv-paging";
import { createRng, type Rng } from "../workload/rng.js";
import { type BenchRequest, promptTokens } from "./trace.js";

/**
 * Seeded prompt token ids for a trace, the same for the simulator and the real engine: requests
 * of one `prefixGroup` start with the same `prefixLen` tokens (a system prompt or a shared
 * document), drawn once per group from the seed and the group's name, so the prefix cache can
 * hit; the rest of each prompt comes from one stream in arrival order.
 */
export class PromptSource {
  private readonly rest: Rng;
  private readonly prefixes = new Map<string, number[]>();

  constructor(
    private readonly seed: number,
    private readonly vocabSize: number,
    private readonly avoid: ReadonlySet<number>,
  ) {
    this.rest = createRng(seed);
  }

  /** The prompt of `r`: `inputLen` tokens, its group's prefix first. */
  tokens(r: BenchRequest): number[] {
    const prefixLen = Math.min(r.prefixLen ?? 0, r.inputLen);
    const tail = promptTokens(this.rest, r.inputLen - prefixLen, this.vocabSize, this.avoid);
    if (r.prefixGroup === undefined || prefixLen === 0) return tail;
    return this.prefix(r.prefixGroup, prefixLen).concat(tail);
  }

  // A group's prefix grows on demand, so requests with different prefixLen share the common part.
  private prefix(group: string, length: number): number[] {
    let ids = this.prefixes.get(group);
    if (ids === undefined || ids.length < length) {
      const rng = createRng((this.seed ^ hashString(group)) >>> 0);
      ids = promptTokens(rng, Math.max(length, ids?.length ?? 0), this.vocabSize, this.avoid);
      this.prefixes.set(group, ids);
    }
    return ids.slice(0, length);
  }
}
