import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectClose } from "../testing/expect-close.js";
import { seededRandom } from "../testing/random.js";
import { testDevice } from "../testing/test-device.js";
import { SAMPLE_FLAGS } from "./layout.js";
import type { SampleResult } from "./output.js";
import { NO_HISTORY, samplingParams, type TokenHistory } from "./params.js";
import { argmax } from "./reference/float-order.js";
import { scoresReference } from "./reference/penalties.js";
import { sampleBatchReference } from "./reference/sample-reference.js";
import { randomLogits, sampleOnGpu } from "./testing/harness.js";

const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);

/** Sampled-token logprob, rank and top entries against the float64 reference (1e-5 absolute). */
function expectSameLogprobs(got: readonly SampleResult[], want: readonly SampleResult[]): void {
  got.forEach((r, i) => {
    const w = want[i] as SampleResult;
    expect(r.token, `token of row ${i}`).toBe(w.token);
    expect(r.rank, `rank of row ${i}`).toBe(w.rank);
    expect(r.topIds, `top ids of row ${i}`).toEqual(w.topIds);
    expectClose(
      [r.logprob, ...r.topLogprobs],
      [w.logprob, ...w.topLogprobs],
      { atol: 1e-5, rtol: 0 },
      `row ${i}`,
    );
  });
}

function argmaxOf(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  return best;
}

describeGpu("sampling kernels: greedy, penalties and raw logprobs (exact results)", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  it.each([1, 7, 512, 32_000])("greedy is exactly argmax, lowest id on ties (vocab %i)", async (vocab) => {
    const rows = 5;
    const logits = randomLogits(rows, vocab, vocab);
    const row = (r: number) => logits.subarray(r * vocab, (r + 1) * vocab);
    row(1).fill(0.25); // all tied: id 0
    const last = Math.min(vocab - 1, 400);
    row(2)[last] = 100; // tie between a late and an earlier id: the earlier one wins
    row(2)[Math.floor(last / 2)] = 100;
    row(3).fill(Number.NEGATIVE_INFINITY); // masked row but for one id
    row(3)[vocab - 1] = -50;
    const params = Array.from({ length: rows }, () => samplingParams({ temperature: 0 }));
    const { results } = await sampleOnGpu(t.ctx, logits, vocab, params);
    for (let r = 0; r < rows; r++) {
      const want = argmax(row(r));
      expect(results[r]?.token, `row ${r}`).toBe(want);
      expect(results[r]?.numKept).toBe(1);
      expect(results[r]?.cut).toBe(row(r)[want]);
    }
  });

  it("applies repetition, frequency and presence penalties exactly", async () => {
    const vocab = 512;
    const next = seededRandom(8);
    const history = (n: number, prompt: number): TokenHistory => ({
      tokens: Array.from({ length: n }, () => Math.floor(next() * 40) * 7), // many repeats
      numPromptTokens: prompt,
    });
    const histories = [history(300, 200), history(300, 0), history(90, 90), NO_HISTORY, history(1000, 10)];
    // Dyadic penalties and logits make every step exact; the other rows round at every step.
    const logits = randomLogits(histories.length, vocab, 4);
    for (let i = 0; i < vocab; i++) logits[i] = Math.round((logits[i] ?? 0) * 8) / 8;
    const params = [
      samplingParams({ temperature: 0, repetitionPenalty: 2, frequencyPenalty: 0.5, presencePenalty: 0.25 }),
      samplingParams({
        temperature: 0.7,
        repetitionPenalty: 1.3,
        frequencyPenalty: 0.37,
        presencePenalty: 0.61,
      }),
      samplingParams({ temperature: 1, repetitionPenalty: 0.8 }),
      samplingParams({ temperature: 0, frequencyPenalty: 1 }),
      samplingParams({ temperature: 1.5, frequencyPenalty: -0.2, presencePenalty: 1.1 }),
    ];
    const { results, scores } = await sampleOnGpu(t.ctx, logits, vocab, params, histories);
    const want = sampleBatchReference(logits, vocab, params, histories);
    params.forEach((p, s) => {
      const got = scores.subarray(s * vocab, (s + 1) * vocab);
      const ref = scoresReference(
        logits.subarray(s * vocab, (s + 1) * vocab),
        p,
        histories[s] as TokenHistory,
      );
      expect(bits(got), `scores of row ${s}`).toEqual(bits(ref));
    });
    expect(results.map((r) => r.token)).toEqual(want.map((r) => r.token));
  });

  it("adds the logit bias to the penalized logits before the temperature, bit for bit", async () => {
    const vocab = 512;
    const history: TokenHistory = { tokens: [3, 3, 9, 40, 41, 41, 41], numPromptTokens: 2 };
    const histories = [history, NO_HISTORY, history, NO_HISTORY, history];
    const logits = randomLogits(histories.length, vocab, 12);
    const row = (s: number) => logits.subarray(s * vocab, (s + 1) * vocab);
    const best = argmaxOf(row(1));
    const params = [
      // Greedy, forced: +100 on one token wins whatever the logits.
      samplingParams({ temperature: 0, logitBias: [[77, 100]] }),
      // Greedy, banned: -100 on the row's argmax moves the choice to the runner-up.
      samplingParams({ temperature: 0, logitBias: [[best, -100]] }),
      // Sampled, penalized and biased, several entries, some on history tokens.
      samplingParams({
        temperature: 0.7,
        seed: 5,
        repetitionPenalty: 1.3,
        frequencyPenalty: 0.4,
        logitBias: [
          [41, -2.5],
          [3, 1.25],
          [500, 0.3],
        ],
      }),
      samplingParams({ temperature: 1.3, seed: 6, topK: 40, logitBias: [[0, 7]] }),
      samplingParams({ temperature: 0, presencePenalty: 0.5, logitBias: [] }),
    ];
    const { results, scores } = await sampleOnGpu(t.ctx, logits, vocab, params, histories);
    const want = sampleBatchReference(logits, vocab, params, histories);
    params.forEach((p, s) => {
      const ref = scoresReference(row(s), p, histories[s] as TokenHistory);
      expect(bits(scores.subarray(s * vocab, (s + 1) * vocab)), `scores of row ${s}`).toEqual(bits(ref));
    });
    expect(results.map((r) => r.token)).toEqual(want.map((r) => r.token));
    expect(results[0]?.token).toBe(77);
    expect(results[1]?.token).not.toBe(best);
    // Log-probabilities stay those of the raw logits: the forced token's is its raw one.
    const raw = row(0);
    const max = Math.max(...raw);
    const logZ = max + Math.log(raw.reduce((sum, x) => sum + Math.exp(x - max), 0));
    expect(results[0]?.logprob).toBeCloseTo((raw[77] ?? 0) - logZ, 4);
  });

  it.each([1, 7, 512, 32_000])(
    "match a float64 reference within 1e-5, ties in id order (vocab %i)",
    async (vocab) => {
      const rows = 6;
      const logits = randomLogits(rows, vocab, 3 * vocab, 4);
      const row = (r: number) => logits.subarray(r * vocab, (r + 1) * vocab);
      row(1).fill(-3); // every entry tied
      const next = seededRandom(vocab);
      for (let i = 0; i < vocab; i++) row(2)[i] = Math.floor(next() * 6); // many ties straddling the cut
      row(3).set([9, 9, 9].slice(0, vocab), Math.max(0, vocab - 3)); // a tie at the very top
      const params = [
        samplingParams({ temperature: 0, numLogprobs: 20 }),
        samplingParams({ temperature: 1, seed: 1, numLogprobs: 5 }),
        samplingParams({ temperature: 1, seed: 2, numLogprobs: 20, repetitionPenalty: 3 }),
        samplingParams({ temperature: 0.5, seed: 3, numLogprobs: 2 }),
        samplingParams({ temperature: 1, topP: 0.9, seed: 4, numLogprobs: 1 }),
        samplingParams({ temperature: 1, seed: 5, numLogprobs: 0 }),
      ];
      const histories: TokenHistory[] = params.map(() => ({ tokens: [0, vocab - 1], numPromptTokens: 1 }));
      const { results, flags } = await sampleOnGpu(t.ctx, logits, vocab, params, histories);
      const want = sampleBatchReference(logits, vocab, params, histories);
      expectSameLogprobs(results, want);
      if (vocab > 1024) {
        // Distinct logits rank among candidates; the all-tied row overflows the 8 slots of each
        // invocation and falls back to the radix select.
        expect((flags[0] ?? 0) & SAMPLE_FLAGS.topLogprobCandidates).toBeTruthy();
        expect((flags[1] ?? 0) & SAMPLE_FLAGS.topLogprobCandidates).toBe(0);
      }
      expect(results[5]?.topIds).toEqual([]);
      expect(results[1]?.topIds).toEqual(want[1]?.topIds);
    },
  );

  it("samples and scores Qwen3's 151,936-token vocabulary like the reference", async () => {
    const vocab = 151_936;
    const params = [
      samplingParams({ temperature: 0, numLogprobs: 20 }),
      samplingParams({ temperature: 0.7, topK: 50, topP: 0.9, seed: 42, step: 3, numLogprobs: 5 }),
      samplingParams({
        temperature: 1,
        topP: 0.95,
        minP: 0.05,
        seed: 43,
        repetitionPenalty: 1.1,
        frequencyPenalty: 0.2,
        presencePenalty: 0.2,
        numLogprobs: 1,
      }),
    ];
    const histories: TokenHistory[] = params.map((_, s) => ({
      tokens: Array.from({ length: 600 }, (_, i) => (i * 7919 + s) % vocab),
      numPromptTokens: 400,
    }));
    const logits = randomLogits(params.length, vocab, 99, 2.5);
    const { results } = await sampleOnGpu(t.ctx, logits, vocab, params, histories);
    const want = sampleBatchReference(logits, vocab, params, histories);
    expectSameLogprobs(results, want);
    expect(results.map((r) => r.numKept)).toEqual(want.map((r) => r.numKept));
  });
});
