import { gumbelArgmax, keptSetReference, scoresReference } from "@pagoda/kernels-wgsl";
import { greedyParams, type SamplingParams } from "@pagoda/scheduler";
import { describe, expect, it } from "vitest";
import type { RequestState } from "./request-states.js";
import { kernelParams, sampleOnCpu } from "./sampling.js";
import { acceptUniform, probabilityOf, verifyDrafts } from "./verify-drafts.js";

const VOCAB = 8;
// Two positions' logits: the row after the last known token, and the row after draft 0.
const ROW0 = Float32Array.of(1.2, 0.3, 2.0, -0.5, 0.9, 1.6, -3, 0.1);
const ROW1 = Float32Array.of(0.2, 1.1, 0.4, 1.9, -0.2, 0.7, 1.5, -1);
const ROW2 = Float32Array.of(0.5, -0.4, 1.3, 0.2, 1.0, -0.6, 0.8, 1.7);
const LOGITS = Float32Array.from([...ROW0, ...ROW1, ...ROW2]);

function request(seed: number, params: Partial<SamplingParams>): RequestState {
  return {
    requestId: "r",
    tokenIds: [1, 2, 3, 4, 2],
    numPromptTokens: 3,
    params: { ...greedyParams(16), ...params },
    seed,
    blockIds: [1],
    numComputedTokens: 4,
  };
}

// Temperature, top-p (cuts the tail), all three penalties and a logit bias.
const SAMPLING: Partial<SamplingParams> = {
  temperature: 0.8,
  topP: 0.85,
  repetitionPenalty: 1.3,
  presencePenalty: 0.4,
  frequencyPenalty: 0.3,
  logitBias: [[5, 0.6]],
};

/** The distribution the non-speculative sampler draws `r`'s next token from, computed directly. */
function target(row: Float32Array, r: RequestState): number[] {
  const params = kernelParams(r);
  const scores = scoresReference(row, params, { tokens: r.tokenIds, numPromptTokens: r.numPromptTokens });
  const { kept } = keptSetReference(scores, params);
  const w = Array.from(scores, (z, i) => (kept[i] ? Math.exp(z) : 0));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

// 99.99th percentiles of chi-square with 1..7 degrees of freedom. Seeds are fixed, so a run
// either always passes or always fails: the statistic cannot flake.
const CHI2_9999 = [0, 15.14, 18.42, 21.11, 23.51, 25.74, 27.86, 29.88];

/** Pearson's statistic over the categories `p` allows; a count where p is 0 fails outright. */
function chiSquare(counts: number[], p: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  let stat = 0;
  counts.forEach((c, i) => {
    const want = n * (p[i] as number);
    if (want === 0) stat += c > 0 ? Number.POSITIVE_INFINITY : 0;
    else stat += (c - want) ** 2 / want;
  });
  return stat;
}

function threshold(p: number[]): number {
  return CHI2_9999[p.filter((x) => x > 0).length - 1] as number;
}

/** First emitted tokens over `trials` seeds, and the second ones where draft 0 was accepted. */
function histograms(
  drafts: number[],
  trials: number,
  verify: (r: RequestState) => number[] = (r) => verifyDrafts(LOGITS, VOCAB, r, drafts).tokenIds,
) {
  const first = new Array<number>(VOCAB).fill(0);
  const second = new Array<number>(VOCAB).fill(0);
  const count = (into: number[], token: number | undefined) => {
    if (token !== undefined) into[token] = (into[token] ?? 0) + 1;
  };
  for (let seed = 0; seed < trials; seed++) {
    const tokens = verify(request(seed, SAMPLING));
    count(first, tokens[0]);
    count(second, tokens[1]);
  }
  return { first, second };
}

// A deliberately wrong residual rule: on rejection, sample from p with the draft still in it.
function wrongRule(draft: number) {
  return (r: RequestState): number[] => {
    const params = kernelParams(r);
    const history = { tokens: r.tokenIds, numPromptTokens: r.numPromptTokens };
    const scores = scoresReference(ROW0, params, history);
    const { kept } = keptSetReference(scores, params);
    if (acceptUniform(params.seed, params.step) < probabilityOf(scores, kept, draft)) return [draft, 0];
    return [gumbelArgmax(scores, kept, params.seed, params.step)];
  };
}

describe("verifyDrafts: sampling is exact rejection sampling", () => {
  const p0 = target(ROW0, request(0, SAMPLING));

  it("the setup has a top-p cut, a likely and an unlikely kept token", () => {
    expect(p0.filter((x) => x === 0).length).toBeGreaterThan(0);
    expect(Math.max(...p0)).toBeGreaterThan(0.3);
    expect(p0.some((x) => x > 0 && x < 0.15)).toBe(true);
  });

  const kept = p0.map((x, i) => [x, i] as const).filter(([x]) => x > 0);
  const likely = kept.reduce((a, b) => (b[0] > a[0] ? b : a))[1];
  const unlikely = kept.reduce((a, b) => (b[0] < a[0] ? b : a))[1];
  const cut = p0.indexOf(0);

  for (const [name, draft] of [
    ["the likeliest token", likely],
    ["an unlikely token", unlikely],
    ["a token top-p cuts", cut],
  ] as const) {
    it(`first token is distributed as without drafts when the draft is ${name} (chi-square, 20,000 seeds)`, () => {
      const { first } = histograms([draft], 20_000);
      expect(chiSquare(first, p0)).toBeLessThan(threshold(p0));
    });
  }

  const afterDraft = { ...request(0, SAMPLING), tokenIds: [...request(0, SAMPLING).tokenIds, likely] };
  const p1 = target(ROW1, afterDraft);
  const likely1 = p1.indexOf(Math.max(...p1));

  for (const [name, drafts] of [
    ["the bonus token", [likely]],
    ["a second draft", [likely, likely1]],
  ] as const) {
    it(`after an accepted draft, ${name} follows p with the draft counted as output (penalties)`, () => {
      const { second } = histograms([...drafts], 20_000);
      // The penalties on the draft change the distribution: the test would see a missed count.
      expect(chiSquare(second, p1)).toBeLessThan(threshold(p1));
      expect(chiSquare(second, target(ROW1, request(0, SAMPLING)))).toBeGreaterThan(threshold(p1));
    });
  }

  it("the same statistic rejects a wrong residual rule (power check)", () => {
    const { first } = histograms([likely], 20_000, wrongRule(likely));
    expect(chiSquare(first, p0)).toBeGreaterThan(threshold(p0));
  });

  it("is reproducible for a seed, and different seeds draw differently", () => {
    const run = (seed: number) => verifyDrafts(LOGITS, VOCAB, request(seed, SAMPLING), [likely]).tokenIds;
    expect(run(42)).toEqual(run(42));
    expect(new Set(Array.from({ length: 30 }, (_, s) => run(s).join())).size).toBeGreaterThan(3);
  });
});

describe("verifyDrafts: greedy", () => {
  const greedy = request(0, { logprobs: 2 });
  const best0 = sampleOnCpu(ROW0, greedy).tokenId;
  const best1 = sampleOnCpu(ROW1, { ...greedy, tokenIds: [...greedy.tokenIds, best0] }).tokenId;

  it("accepts a draft equal to the argmax and adds the bonus token, one logprobs entry each", () => {
    const v = verifyDrafts(LOGITS, VOCAB, greedy, [best0]);
    expect(v.tokenIds).toEqual([best0, best1]);
    expect(v.logprobs.map((e) => e.tokenId)).toEqual([best0, best1]);
    expect(v.logprobs[1]?.top).toHaveLength(2);
  });

  it("rejects a wrong draft and emits the argmax in its place", () => {
    const wrong = (best0 + 1) % VOCAB;
    expect(verifyDrafts(LOGITS, VOCAB, greedy, [wrong, best1]).tokenIds).toEqual([best0]);
  });

  it("counts drafts as output for min_tokens: a banned draft is rejected while the count is short", () => {
    // Two output tokens exist; min_tokens 3 bans token 5 for one more position only.
    const r = request(0, { minTokens: { count: 3, tokenIds: [best0] } });
    const next = sampleOnCpu(ROW0, r).tokenId;
    expect(next).not.toBe(best0);
    expect(verifyDrafts(LOGITS, VOCAB, r, [best0]).tokenIds).toEqual([next]);
    const after = { ...r, tokenIds: [...r.tokenIds, next] };
    expect(verifyDrafts(LOGITS, VOCAB, r, [next]).tokenIds).toEqual([next, sampleOnCpu(ROW1, after).tokenId]);
  });
});

describe("verifyDrafts: the request's state", () => {
  it("is left as it was: drafts join its token list per position and leave it after", () => {
    const best0 = sampleOnCpu(ROW0, request(0, {})).tokenId;
    for (const [params, seeds] of [
      [{}, 1],
      [SAMPLING, 40],
    ] as const) {
      for (let seed = 0; seed < seeds; seed++) {
        const r = request(seed, params);
        const list = r.tokenIds;
        const before = [...list];
        const v = verifyDrafts(LOGITS, VOCAB, r, [best0, 3]);
        expect(v.tokenIds.length).toBeGreaterThan(0);
        expect(r.tokenIds).toBe(list);
        expect(r.tokenIds).toEqual(before);
      }
    }
  });
});

describe("verifyDrafts: picks in place of the rows", () => {
  const plain = request(0, {});
  const best0 = sampleOnCpu(ROW0, plain).tokenId;
  const best1 = sampleOnCpu(ROW1, { ...plain, tokenIds: [...plain.tokenIds, best0] }).tokenId;
  const none = new Float32Array(0);

  it("follow the same acceptance rule as the rows: accept while equal, then the pick", () => {
    expect(verifyDrafts(none, VOCAB, plain, [best0], [best0, best1]).tokenIds).toEqual(
      verifyDrafts(LOGITS, VOCAB, plain, [best0]).tokenIds,
    );
    const wrong = (best0 + 1) % VOCAB;
    expect(verifyDrafts(none, VOCAB, plain, [wrong, best1], [best0, best1, 0]).tokenIds).toEqual([best0]);
  });

  it("are refused for a request with logprobs or sampling, or when one is missing", () => {
    const code = { code: "executor.bad_picks" };
    expect(() => verifyDrafts(none, VOCAB, request(0, { logprobs: 1 }), [best0], [best0, best1])).toThrow(
      expect.objectContaining(code),
    );
    expect(() => verifyDrafts(none, VOCAB, request(0, SAMPLING), [best0], [best0, best1])).toThrow(
      expect.objectContaining(code),
    );
    expect(() => verifyDrafts(none, VOCAB, plain, [best0], [best0])).toThrow(expect.objectContaining(code));
  });
});
