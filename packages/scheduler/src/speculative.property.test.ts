import { seededRandom } from "@pagoda/kv-paging";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { greedyParams } from "./contract/index.js";
import type { RequestView } from "./request.js";
import { Harness, type HarnessOptions, prompt } from "./testing/harness.js";

// Random workloads served twice on the fake "history" model (each token a hash of the request id
// and every token before it): without drafts, then with random drafts (some right, some wrong) on
// small pools that force preemption, with random aborts and samples. Every request must come out
// with the tokens of the run without drafts (an aborted one with a prefix of them); the fake
// executor checks every K/V slot it reads, so a wrong prefix hit or a stale draft read fails; at
// the end no block is held and every prefix-cached block holds the tokens the cache claims.

const request = fc.record({
  len: fc.integer({ min: 1, max: 16 }),
  numForks: fc.integer({ min: 0, max: 2 }),
  maxTokens: fc.integer({ min: 1, max: 14 }),
  sharedPrefix: fc.boolean(),
  arrival: fc.integer({ min: 0, max: 6 }),
  /** Step (of the run with drafts) at which to abort the request, or -1. */
  abortAt: fc.integer({ min: -1, max: 16 }),
});

const setup = fc.record({
  blockSize: fc.constantFrom(2, 4),
  extraBlocks: fc.integer({ min: 0, max: 6 }),
  mode: fc.constantFrom("recompute" as const, "swap" as const),
  maxNumSeqs: fc.integer({ min: 3, max: 6 }),
  extraTokens: fc.integer({ min: 0, max: 16 }),
  longPrefillTokenThreshold: fc.constantFrom(0, 3),
  maxModelLen: fc.constantFrom(undefined, 24),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;
type Spec = typeof request extends fc.Arbitrary<infer T> ? T : never;

let numDraftsScheduled = 0;

function serve(o: Setup, specs: readonly Spec[], withDrafts: boolean): Harness {
  const rand = seededRandom(o.seed);
  // Half the drafts are the model's own tokens, some of those corrupted at a random position.
  const drafts = (r: RequestView, truth: (k: number) => number[]) => {
    if (rand() < 0.25) return null;
    const k = Math.floor(rand() * 6);
    const tokens = rand() < 0.5 ? truth(k) : Array.from({ length: k }, () => 1 + Math.floor(rand() * 999));
    if (k > 0 && rand() < 0.3) tokens[Math.floor(rand() * k)] = 1 + ((r.tokenIds.length * 31) % 999);
    return tokens;
  };
  const options: HarnessOptions = {
    numBlocks: 1 + Math.ceil(30 / o.blockSize) + o.extraBlocks,
    blockSize: o.blockSize,
    numHostBlocks: o.mode === "swap" ? 40 : 0,
    preemptionMode: o.mode,
    maxNumSeqs: o.maxNumSeqs,
    maxNumBatchedTokens: o.maxNumSeqs + o.extraTokens,
    longPrefillTokenThreshold: o.longPrefillTokenThreshold,
    maxModelLen: o.maxModelLen,
    stopPermille: 40,
    model: "history",
    drafts: withDrafts ? drafts : undefined,
  };
  const h = new Harness(options);
  const shared = prompt(16, 99);
  let added = 0;
  for (let step = 0; step < 2_000; step++) {
    specs.forEach((s, i) => {
      if (s.arrival !== step) return;
      const tokens = s.sharedPrefix ? [...shared.slice(0, s.len - 1), i + 1] : prompt(s.len, i + 1);
      const maxTokens = Math.min(s.maxTokens, (o.maxModelLen ?? 30) - s.len);
      const forks = Array.from({ length: s.numForks }, (_, j) => ({
        requestId: `r${i}#${j + 1}`,
        params: greedyParams(maxTokens),
      }));
      h.add(`r${i}`, tokens, maxTokens, { forks });
      added++;
    });
    if (withDrafts) for (const [i, s] of specs.entries()) if (s.abortAt === step) h.abort(`r${i}`);
    if (added === specs.length && !h.scheduler.hasUnfinished()) return h;
    if (h.scheduler.hasUnfinished()) {
      const { out } = h.step();
      for (const d of Object.values(out.scheduledSpecTokens ?? {})) numDraftsScheduled += d.length;
    }
  }
  throw new Error("the workload did not finish");
}

function expectCacheTruthful(h: Harness): void {
  const pool = h.kv.devicePool;
  for (let id = 1; id < pool.numBlocks; id++) {
    if (pool.isCached(id)) expect([...h.executor.blockTokens(id)]).toEqual([...pool.cachedTokens(id)]);
  }
}

describe("speculative drafts on random workloads (fast-check)", () => {
  it("never change a token, leak no block and cache no wrong block", () => {
    fc.assert(
      fc.property(setup, fc.array(request, { minLength: 1, maxLength: 7 }), (o, specs) => {
        const plain = serve(o, specs, false);
        const spec = serve(o, specs, true);
        for (const [id, r] of spec.results) {
          const expected = plain.results.get(id);
          expect(expected?.finishReason).not.toBe("abort");
          if (r.finishReason === "abort")
            expect(expected?.tokens.slice(0, r.tokens.length)).toEqual(r.tokens);
          else expect(r).toEqual(expected);
        }
        const stats = spec.scheduler.stats();
        expect(stats.numAcceptedDraftTokens).toBeLessThanOrEqual(stats.numDraftTokens);
        expect(stats.kv.numUsedBlocks).toBe(0);
        expect(stats.kv.numUsedHostBlocks).toBe(0);
        expectCacheTruthful(spec);
      }),
      { numRuns: 300 },
    );
    expect(numDraftsScheduled).toBeGreaterThan(2000);
  });
});
