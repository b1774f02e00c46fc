// The bench:peers helpers that decide the figures: the timing windows, medians, prompts, table.
import { describe, expect, it, vi } from "vitest";
import { StreamClock } from "../bench/peers/measure.js";
import { firstDivergence, markdownTable, median, medians } from "../bench/peers/report.js";
import type { RoundRecord } from "../bench/peers/rounds.js";
import { promptIds, scenarios } from "../bench/peers/scenarios.js";

describe("bench:peers", () => {
  it("decode counts tokens after the last prefill, prefill the prompt to the first token", () => {
    const now = vi.spyOn(performance, "now");
    now.mockReturnValue(1000);
    const clock = new StreamClock(2);
    const decode = scenarios(false, 2048)[1];
    if (!decode) throw new Error("no decode-8 row");
    now.mockReturnValue(1100);
    clock.tokens(0, [5]);
    now.mockReturnValue(1200);
    clock.tokens(1, [6]);
    now.mockReturnValue(1700);
    clock.tokens(0, [7, 8]);
    clock.tokens(1, [9]);
    // 3 tokens after each stream's first, over the 500 ms from the later first token to the end.
    expect(clock.result(decode)).toMatchObject({ numTokens: 3, seconds: 0.5, tokPerS: 6 });
    expect(clock.outputs).toEqual([
      [5, 7, 8],
      [6, 9],
    ]);
    const prefill = { id: "prefill-512", kind: "prefill" as const, streams: 1, promptLen: 512, genLen: 1 };
    expect(clock.result(prefill)).toMatchObject({ seconds: 0.1, tokPerS: 5120 });
    now.mockRestore();
  });

  it("rows: 1, 8 and 32 streams and a prefill that fits the context", () => {
    expect(scenarios(false, 2048).map((s) => s.id)).toEqual([
      "decode-1",
      "decode-8",
      "decode-32",
      "prefill-512",
    ]);
    expect(scenarios(false, 512).at(-1)).toMatchObject({ id: "prefill-511", promptLen: 511, genLen: 1 });
    expect(scenarios(true, 2048).map((s) => [s.genLen, s.promptLen])).toEqual([
      [16, 16],
      [16, 16],
      [16, 16],
      [1, 128],
    ]);
  });

  it("prompts are seeded, start with BOS and stay above the special and byte tokens", () => {
    const s = { id: "x", kind: "decode" as const, streams: 3, promptLen: 16, genLen: 4 };
    const vocab = { vocabSize: 512, bosTokenId: 1, firstId: 259 };
    const a = promptIds(s, vocab, 7);
    expect(a).toEqual(promptIds(s, vocab, 7));
    expect(a).not.toEqual(promptIds(s, vocab, 8));
    for (const p of a) {
      expect(p).toHaveLength(16);
      expect(p[0]).toBe(1);
      for (const id of p.slice(1)) expect(id >= 259 && id < 512).toBe(true);
    }
  });

  it("medians per system, skipped systems as null, ratios in the table", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const rec = (system: string, tokPerS: number): RoundRecord => ({
      system,
      round: 0,
      loadAverage: [0, 0, 0],
      result: { tokPerS, seconds: 1, numTokens: 1, outputs: [] },
    });
    const m = medians(["p", "a"], [rec("a", 10), rec("a", 30), rec("a", 20)]);
    expect(m).toEqual({ p: null, a: 20 });
    const scenario = { id: "decode-1", kind: "decode" as const, streams: 1, promptLen: 16, genLen: 128 };
    const table = markdownTable(
      [
        { model: "m", scenario, medians: { p: 5, a: 20 }, records: [] },
        { model: "m", scenario, medians: m, records: [] },
      ],
      [
        ["p", "a"],
        ["p", "b"],
      ],
    );
    expect(table.split("\n")).toEqual([
      "| model | row | p tok/s | a tok/s | p ÷ a | b tok/s | p ÷ b |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      "| m | decode-1 | 5.00 | 20.0 | 0.250× | skipped | – |",
      "| m | decode-1 | skipped | 20.0 | – | skipped | – |",
    ]);
  });

  it("finds where two greedy streams first differ", () => {
    expect(firstDivergence([1, 2, 3], [1, 2, 3])).toBe(3);
    expect(firstDivergence([1, 2, 3], [1, 9, 3])).toBe(1);
  });
});
