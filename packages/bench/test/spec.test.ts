// The bench:spec pieces that decide its figures: per-run spec counts and timings on a real
// engine, the speedup / acceptance arithmetic, the prompts of the copy task.
import { describe, expect, it } from "vitest";
import { STORIES_DIR } from "../bench/spec/models.js";
import { copyIdsPrompt, copyStoryPrompt } from "../bench/spec/prompts.js";
import { markdownTable, type SpecRow, summarize } from "../bench/spec/report.js";
import type { SpecRun } from "../bench/spec/runner.js";
import { specRunner } from "../bench/spec/runner.js";

const run = (tokPerS: number, numDrafts = 0, numDraftTokens = 0, numAcceptedTokens = 0): SpecRun => ({
  tokPerS,
  seconds: 1,
  cpuSeconds: 10 / tokPerS / 2,
  numTokens: 10,
  numDrafts,
  numDraftTokens,
  numAcceptedTokens,
  outputs: [],
  profile: { steps: 5, stepMs: 10, targetMs: 6, proposeMs: 3, draftExecuteMs: 2, draftCalls: 4 },
});
const row = (contender: string, runs: SpecRun[], streams = 1): SpecRow => ({
  case: "c",
  device: "cpu",
  streams,
  contender,
  records: runs.map((r, round) => ({ round, loadAverage: 1 + round, run: r })),
  identical: contender !== "bad",
});

describe("bench:spec", () => {
  it("speedup is the ratio of medians against off of the same case, device and streams", () => {
    const rows = [
      row("off", [run(100), run(300), run(200)]),
      row("ngram k=2", [run(500, 2, 4, 2), run(300, 3, 6, 3), run(100, 1, 2, 0)]),
      row("off", [run(50)], 8),
      row("bad", [run(100, 4, 8, 8)], 8),
    ];
    const [off, k2, off8, bad] = summarize(rows);
    expect(off).toMatchObject({ median_tok_per_s: 200, speedup: null, acceptance_rate: null });
    // Acceptance over all rounds: 5 of 12 draft tokens; 6 verifications gain 1 + 5/6 tokens each.
    expect(k2?.median_tok_per_s).toBe(300);
    expect(k2?.speedup).toBeCloseTo(1.5);
    expect(k2?.median_tok_per_cpu_s).toBe(600);
    expect(k2?.cpu_speedup).toBeCloseTo(1.5);
    expect(k2?.acceptance_rate).toBeCloseTo(5 / 12);
    expect(k2?.mean_acceptance_length).toBeCloseTo(1 + 5 / 6);
    expect(k2?.load_average).toEqual([1, 3]);
    expect(k2?.ms_per_step).toEqual({ step: 2, target: 1.2, propose: 0.6, draft_execute: 0.4, other: 0.2 });
    expect(k2?.steps_per_token).toBe(0.5);
    expect(off8?.speedup).toBeNull();
    expect(bad).toMatchObject({ speedup: 2, identical: false });
    const table = markdownTable(summarize(rows));
    expect(table).toContain(
      "| c | cpu | 1 | ngram k=2 | 300 | 1.50x | 1.50x | 42 % | 1.83 | yes | 1.0-3.0 |",
    );
    expect(table).toContain("**NO**");
  });

  it("copy prompts: a story then its first sentence again; random ids then their first quarter", () => {
    const p = copyStoryPrompt(1);
    const [story, again] = p.split("\n\n");
    expect(story?.startsWith(again ?? "-")).toBe(true);
    expect(again?.endsWith(".")).toBe(true);
    const ids = copyIdsPrompt(0, 49_152);
    expect(ids).toHaveLength(1 + 64 + 16);
    expect(ids.slice(65)).toEqual(ids.slice(1, 17));
    expect(copyIdsPrompt(0, 49_152)).toEqual(ids);
    for (const id of ids.slice(1)) expect(id >= 259 && id < 49_152).toBe(true);
  });

  it("a run on stories260K counts drafts, times the step parts and keeps the greedy outputs", async () => {
    const prompts = [copyStoryPrompt(0), copyStoryPrompt(1)];
    const off = await specRunner({ label: "off", speculative: null }, STORIES_DIR, "cpu", 1, 2, 512);
    const ngram = await specRunner(
      { label: "ngram k=4", speculative: { method: "ngram", numSpeculativeTokens: 4 } },
      STORIES_DIR,
      "cpu",
      1,
      2,
      512,
    );
    try {
      for (const streams of [1, 2]) {
        const a = await off.run(prompts, streams, 48);
        const b = await ngram.run(prompts, streams, 48);
        expect(b.outputs).toEqual(a.outputs);
        expect(a.outputs.map((o) => o.length)).toEqual([48, 48]);
        // Decode tokens: all but each stream's first.
        expect([a.numTokens, b.numTokens]).toEqual([94, 94]);
        expect(a.numDraftTokens).toBe(0);
        expect(b.numDraftTokens).toBeGreaterThan(0);
        expect(b.numAcceptedTokens).toBeGreaterThan(0);
        expect(b.numAcceptedTokens).toBeLessThanOrEqual(b.numDraftTokens);
        // Accepted drafts save steps: one stream at a time, one step per accepted draft token.
        expect(a.profile.steps).toBe(96 / streams);
        if (streams === 1) expect(b.profile.steps).toBe(a.profile.steps - b.numAcceptedTokens);
        else expect(b.profile.steps).toBeLessThan(a.profile.steps);
        for (const r of [a, b]) {
          expect(r.cpuSeconds).toBeGreaterThan(0);
          expect(r.profile.targetMs).toBeGreaterThan(0);
          expect(r.profile.stepMs).toBeGreaterThanOrEqual(r.profile.targetMs + r.profile.proposeMs);
        }
      }
    } finally {
      await off.close();
      await ngram.close();
    }
  }, 60_000);
});
