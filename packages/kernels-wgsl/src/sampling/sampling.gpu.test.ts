import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { seededRandom } from "../testing/random.js";
import { testDevice } from "../testing/test-device.js";
import { SAMPLE_FLAGS } from "./layout.js";
import type { SampleResult } from "./output.js";
import { type SamplingParams, samplingParams, type TokenHistory } from "./params.js";
import { keptSetReference } from "./reference/filters.js";
import { scoresReference } from "./reference/penalties.js";
import { sampleBatchReference } from "./reference/sample-reference.js";
import { randomLogits, sampleOnGpu } from "./testing/harness.js";
import { chiSquare, histogram, softmax } from "./testing/stats.js";

/** The same logits row repeated `rows` times. */
function repeatRow(row: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(row.length * rows);
  for (let r = 0; r < rows; r++) out.set(row, r * row.length);
  return out;
}

/** Tokens, kept-set sizes and cuts of GPU results equal the reference's (cut within f32 rounding). */
function expectSameDraws(got: readonly SampleResult[], want: readonly SampleResult[]): void {
  expect(got.map((r) => r.token)).toEqual(want.map((r) => r.token));
  expect(got.map((r) => r.numKept)).toEqual(want.map((r) => r.numKept));
  got.forEach((r, i) => {
    const cut = want[i]?.cut ?? Number.NaN;
    expect(Math.abs(r.cut - cut), `cut of row ${i}`).toBeLessThanOrEqual(Math.abs(cut) * 2 ** -22);
  });
}

const MIXED: SamplingParams[] = [
  samplingParams({ temperature: 0 }),
  samplingParams({ temperature: 1, seed: 1 }),
  samplingParams({ temperature: 0.6, seed: 2, step: 5 }),
  samplingParams({ temperature: 1, topK: 1, seed: 3 }),
  samplingParams({ temperature: 0.9, topK: 40, seed: 4, step: 17 }),
  samplingParams({ temperature: 1.2, topP: 0.8, seed: 5 }),
  samplingParams({ temperature: 0.8, topK: 50, topP: 0.9, seed: 2 ** 40 + 6 }),
  samplingParams({ temperature: 1, minP: 0.05, seed: 7 }),
  samplingParams({ temperature: 0.7, topK: 100, topP: 0.95, minP: 0.02, seed: 8, step: 1000 }),
  samplingParams({ temperature: 2, topP: 0.3, seed: 9, repetitionPenalty: 1.2, frequencyPenalty: 0.3 }),
  samplingParams({ temperature: 1, topK: -1, topP: 1, seed: 10, presencePenalty: 0.5, numLogprobs: 3 }),
];

describeGpu("sampling kernels: seeded sampling and filters", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  it.each([7, 512, 32_000])(
    "matches the reference over a batch of mixed parameters (vocab %i)",
    async (vocab) => {
      const logits = randomLogits(MIXED.length, vocab, vocab + 1);
      const histories: TokenHistory[] = MIXED.map((_, s) => ({
        tokens: Array.from({ length: 2 * s }, (_, i) => (i * 5 + s) % vocab),
        numPromptTokens: s,
      }));
      const { results } = await sampleOnGpu(t.ctx, logits, vocab, MIXED, histories);
      expectSameDraws(results, sampleBatchReference(logits, vocab, MIXED, histories));
    },
  );

  it("draws the same token for a sequence whatever the batch around it, and new ones per step", async () => {
    const vocab = 512;
    const row = randomLogits(1, vocab, 21);
    const p = samplingParams({ temperature: 1.5, topP: 0.95, seed: 1234 });
    const alone = await sampleOnGpu(t.ctx, row, vocab, [p]);
    const others = randomLogits(5, vocab, 22);
    const batch = new Float32Array(6 * vocab);
    batch.set(others.subarray(0, 3 * vocab));
    batch.set(row, 3 * vocab);
    batch.set(others.subarray(3 * vocab), 4 * vocab);
    const params = [0, 1, 2, 3, 4, 5].map((s) => (s === 3 ? p : samplingParams({ seed: s, temperature: 1 })));
    const mixed = await sampleOnGpu(t.ctx, batch, vocab, params);
    expect(mixed.results[3]?.token).toBe(alone.results[0]?.token);
    const steps = await sampleOnGpu(
      t.ctx,
      repeatRow(row, 32),
      vocab,
      Array.from({ length: 32 }, (_, step) => ({ ...p, step })),
    );
    expect(new Set(steps.results.map((r) => r.token)).size).toBeGreaterThan(8);
  });

  it("samples softmax(logits / T) and, with top-k, the renormalized top k (chi-square)", async () => {
    const vocab = 8;
    const row = Float32Array.of(0.3, -1.1, 1.4, 0.2, -0.4, 2.1, -2.2, 0.9);
    const n = 4096;
    const draw = async (extra: Partial<SamplingParams>, firstStep: number) => {
      const params = Array.from({ length: n }, (_, i) =>
        samplingParams({ temperature: 0.8, seed: 77, step: firstStep + i, ...extra }),
      );
      const logits = repeatRow(row, n);
      const { results } = await sampleOnGpu(t.ctx, logits, vocab, params);
      expect(results.map((r) => r.token)).toEqual(
        sampleBatchReference(logits, vocab, params).map((r) => r.token),
      );
      return results.map((r) => r.token);
    };
    const plain = [...(await draw({}, 0)), ...(await draw({}, n))];
    // 99.99th percentile of chi-square with 7 degrees of freedom: 29.9.
    expect(chiSquare(histogram(plain, vocab), softmax(row, 0.8))).toBeLessThan(29.9);
    const top3 = await draw({ topK: 3 }, 0);
    const kept = [5, 2, 7];
    expect(top3.every((tok) => kept.includes(tok))).toBe(true);
    const p3 = softmax(
      kept.map((i) => row[i] ?? 0),
      0.8,
    );
    const counts = kept.map((id) => top3.filter((tok) => tok === id).length);
    // 99.99th percentile of chi-square with 2 degrees of freedom: 18.4.
    expect(chiSquare(counts, p3)).toBeLessThan(18.4);
  });

  it.each([512, 32_000])(
    "keeps exactly the reference's top-k / top-p / min-p set (vocab %i)",
    async (vocab) => {
      const filters: Partial<SamplingParams>[] = [
        { topK: 20 },
        { topP: 0.7 },
        { minP: 0.1 },
        { topK: 200, topP: 0.5, minP: 0.01 },
      ];
      const draws = 48;
      const row = randomLogits(1, vocab, vocab + 3, 2);
      row[vocab - 1] = row[0] ?? 0; // a tie somewhere in the ranking
      for (const f of filters) {
        const params = Array.from({ length: draws }, (_, step) =>
          samplingParams({ temperature: 1.1, seed: 5, step, ...f }),
        );
        const { results, flags } = await sampleOnGpu(t.ctx, repeatRow(row, draws), vocab, params);
        const narrowed = (f.topK ?? 0) > 0 && (f.topK ?? 0) <= 128;
        expect(flags.every((x) => (x & SAMPLE_FLAGS.topKCandidates) === (narrowed ? 1 : 0))).toBe(true);
        const set = keptSetReference(
          scoresReference(row, params[0] as SamplingParams, { tokens: [], numPromptTokens: 0 }),
          params[0] as SamplingParams,
        );
        expect(set.numKept).toBeGreaterThan(1);
        for (const r of results) {
          expect(r.numKept, JSON.stringify(f)).toBe(set.numKept);
          expect(set.kept[r.token], `token ${r.token} outside the set of ${JSON.stringify(f)}`).toBe(1);
        }
        expect(new Set(results.map((r) => r.token)).size).toBeGreaterThan(1);
      }
    },
  );

  it("falls back to the whole row when ties overflow the top-k candidates", async () => {
    const vocab = 4096;
    const next = seededRandom(41);
    // About half the ids tie at the top: each invocation sees ~16 of them, over its 8 slots.
    const row = Float32Array.from({ length: vocab }, () => Math.floor(next() * 2));
    const params = Array.from({ length: 16 }, (_, step) =>
      samplingParams({ topK: 5, topP: 0.9, seed: 3, step }),
    );
    const logits = repeatRow(row, params.length);
    const { results, flags } = await sampleOnGpu(t.ctx, logits, vocab, params);
    expect(flags.every((x) => (x & SAMPLE_FLAGS.topKCandidates) === 0)).toBe(true);
    expectSameDraws(results, sampleBatchReference(logits, vocab, params));
  });

  it("draws the same tokens without the logprobs pass, which then writes no logprob", async () => {
    const vocab = 512;
    const logits = randomLogits(MIXED.length, vocab, 77);
    const full = await sampleOnGpu(t.ctx, logits, vocab, MIXED);
    const lean = await sampleOnGpu(t.ctx, logits, vocab, MIXED, undefined, undefined, false);
    expectSameDraws(lean.results, full.results);
    expect(full.results.every((r) => r.logprob < 0)).toBe(true);
    // Fresh output buffers are zero: nothing wrote a log-probability into them.
    expect(lean.results.every((r) => r.logprob === 0)).toBe(true);
  });

  it("gives the same results when the batch is split across bindings", async () => {
    const vocab = 500; // rows not a multiple of the 256-byte offset alignment
    const params = [...MIXED, ...MIXED].map((p, s) => ({ ...p, step: p.step + s }));
    const logits = randomLogits(params.length, vocab, 31);
    const split = await sampleOnGpu(t.ctx, logits, vocab, params, undefined, 3 * vocab * 4 + 256);
    expectSameDraws(split.results, sampleBatchReference(logits, vocab, params));
  });
});
