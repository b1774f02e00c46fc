import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { greedyParams } from "./contract/index.js";
import { Harness, prompt } from "./testing/harness.js";

// Random workloads of requests with samples on small pools: every sample must come out with
// exactly the fake model's tokens (the fake executor checks every K/V slot it reads, so a block
// shared or copied wrongly fails), and no block or table may outlive its request.

const spec = fc.record({
  len: fc.integer({ min: 1, max: 20 }),
  numForks: fc.integer({ min: 0, max: 3 }),
  maxTokens: fc.integer({ min: 1, max: 10 }),
  sharedPrefix: fc.boolean(),
  arrival: fc.integer({ min: 0, max: 8 }),
  /** Step at which to abort, or -1. */
  abortAt: fc.integer({ min: -1, max: 20 }),
  /** Which one to abort: 0 the request, j its j-th sample. */
  abortWho: fc.nat({ max: 3 }),
});

const setup = fc.record({
  blockSize: fc.constantFrom(2, 4),
  extraBlocks: fc.integer({ min: 0, max: 20 }),
  mode: fc.constantFrom("recompute" as const, "swap" as const),
  enablePrefixCaching: fc.boolean(),
  maxNumSeqs: fc.integer({ min: 4, max: 8 }),
  extraTokens: fc.integer({ min: 0, max: 24 }),
  longPrefillTokenThreshold: fc.constantFrom(0, 3),
});

describe("parallel samples on random workloads (fast-check)", () => {
  it("serve every sample its own tokens and leak no block, in every preemption mode", () => {
    fc.assert(
      fc.property(setup, fc.array(spec, { minLength: 1, maxLength: 8 }), (o, specs) => {
        const h = new Harness({
          // Room for the longest request alone (20 + 10 tokens), plus a random margin.
          numBlocks: 1 + Math.ceil(30 / o.blockSize) + o.extraBlocks,
          blockSize: o.blockSize,
          numHostBlocks: o.mode === "swap" ? 40 : 0,
          preemptionMode: o.mode,
          enablePrefixCaching: o.enablePrefixCaching,
          maxNumSeqs: o.maxNumSeqs,
          maxNumBatchedTokens: o.maxNumSeqs + o.extraTokens,
          longPrefillTokenThreshold: o.longPrefillTokenThreshold,
          stopPermille: 60,
        });
        const shared = prompt(20, 99);
        const requests = specs.map((s, i) => {
          const id = `r${i}`;
          const samples = Array.from({ length: s.numForks }, (_, j) => `${id}.${j + 1}`);
          const p = s.sharedPrefix ? shared.slice(0, s.len) : prompt(s.len, i);
          return { ...s, id, samples, prompt: p, victim: [id, ...samples][s.abortWho % (s.numForks + 1)] };
        });
        const lastArrival = Math.max(...requests.map((r) => r.arrival));
        for (let step = 0; step <= lastArrival || h.scheduler.hasUnfinished(); step++) {
          if (step > 2_000) throw new Error("requests still unfinished after 2,000 steps");
          for (const r of requests) {
            if (r.arrival === step) {
              const forks = r.samples.map((requestId) => ({ requestId, params: greedyParams(r.maxTokens) }));
              h.add(r.id, r.prompt, r.maxTokens, { forks });
            }
            if (r.abortAt === step && step >= r.arrival) h.abort(r.victim as string);
          }
          if (h.scheduler.hasUnfinished()) h.step();
          // Every table the KV cache holds belongs to a request in flight.
          for (const id of h.kv.requestIds()) expect(h.scheduler.getRequest(id), id).toBeDefined();
        }
        for (const r of requests) {
          for (const id of [r.id, ...r.samples]) {
            const got = h.results.get(id);
            if (got?.finishReason === "abort") continue;
            expect(got?.tokens, id).toEqual(h.expectedTokens(id, r.len, r.maxTokens));
          }
        }
        const kv = h.kv.stats();
        expect([kv.numUsedBlocks, kv.numUsedHostBlocks, h.kv.requestIds().length]).toEqual([0, 0, 0]);
        h.step();
        expect(h.executor.states.size).toBe(0);
      }),
      { numRuns: 150 },
    );
  }, 30_000);
});
