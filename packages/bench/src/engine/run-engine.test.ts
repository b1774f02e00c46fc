import { join } from "node:path";
import { createEngine } from "@pagoda/engine";
import { describe, expect, it } from "vitest";
import { buildTrace } from "../driver/trace.js";
import { runEngine } from "./run-engine.js";

const STORIES = join(import.meta.dirname, "../../../../../shared/models/stories260K");

describe("runEngine on the real stories260K CPU engine", () => {
  it("runs every request to its length, times every step, and leaks no KV blocks", async () => {
    const llm = await createEngine({ model: STORIES, device: "cpu", maxNumSeqs: 4 });
    const requests = buildTrace({
      numPrompts: 6,
      requestRate: Infinity,
      inputLen: 12,
      outputLen: 8,
      rangeRatio: 0.5,
      seed: 2,
    });
    try {
      const run = await runEngine(llm, requests, { goodput: { ttft: 60_000 } });
      expect(run.result.completed).toBe(6);
      expect(run.result.total_output_tokens).toBe(requests.reduce((s, r) => s + r.outputLen, 0));
      expect(run.numLeakedBlocks).toBe(0);
      expect(run.specDecode).toBeNull();
      expect(Math.max(...run.steps.map((s) => s.numSeqs))).toBe(4);
      for (const s of run.steps) expect(s.seconds).toBeGreaterThan(0);
      const tokens = run.steps.reduce((n, s) => n + s.numPrefillTokens + s.numDecodeTokens, 0);
      // Every prompt token is computed once; every output token but the last is fed back once.
      expect(tokens).toBe(requests.reduce((n, r) => n + r.inputLen + r.outputLen - 1, 0));
    } finally {
      await llm.close();
    }
  });

  it("runs a speculating engine with its proposer, and reports drafts and acceptance", async () => {
    const speculative = { method: "draft", model: STORIES, numSpeculativeTokens: 3 } as const;
    const llm = await createEngine({ model: STORIES, device: "cpu", maxNumSeqs: 4, speculative });
    const requests = buildTrace({
      numPrompts: 4,
      requestRate: Infinity,
      inputLen: 12,
      outputLen: 24,
      rangeRatio: 0.5,
      seed: 3,
    });
    try {
      const run = await runEngine(llm, requests);
      expect(run.result.completed).toBe(4);
      expect(run.result.total_output_tokens).toBe(requests.reduce((s, r) => s + r.outputLen, 0));
      expect(run.numLeakedBlocks).toBe(0);
      // The draft is the target: every greedy draft is accepted.
      expect(run.specDecode?.num_draft_tokens).toBeGreaterThan(0);
      expect(run.specDecode?.acceptance_rate).toBe(1);
      expect(run.specDecode?.mean_acceptance_length).toBeGreaterThan(2);
      expect(run.stats.numDraftTokens).toBe(run.specDecode?.num_draft_tokens);
    } finally {
      await llm.close();
    }
  });
});
