import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectClose } from "../testing/expect-close.js";
import { seededRandom } from "../testing/random.js";
import { testDevice } from "../testing/test-device.js";
import { NO_HISTORY, samplingParams, type TokenHistory } from "./params.js";
import { scoresReference } from "./reference/penalties.js";
import { sampleBatchReference } from "./reference/sample-reference.js";
import { randomLogits, sampleOnGpu } from "./testing/harness.js";
import { maskLogits, tokenAllowed } from "./token-mask.js";

const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);

/** A random packed mask over `vocab` allowing about `share` of the tokens (at least one). */
function randomMask(vocab: number, share: number, seed: number): Int32Array {
  const next = seededRandom(seed);
  const m = new Int32Array(Math.ceil(vocab / 32));
  for (let t = 0; t < vocab; t++)
    if (next() < share || t === (seed * 7919) % vocab) m[t >> 5] = (m[t >> 5] as number) | (1 << (t & 31));
  return m;
}

describeGpu("sampling kernels: grammar token masks read from the packed bitmask", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  it.each([7, 512, 32_000])(
    "masked rows score bit for bit like the reference, sample its tokens and logprobs (vocab %i)",
    async (vocab) => {
      const history: TokenHistory = { tokens: [0, 3, 3, vocab - 1, 5 % vocab], numPromptTokens: 2 };
      const params = [
        samplingParams({ temperature: 0, numLogprobs: 5, tokenMask: randomMask(vocab, 0.1, 1) }),
        samplingParams({
          temperature: 1.2,
          seed: 9,
          step: 4,
          numLogprobs: 3,
          tokenMask: randomMask(vocab, 0.5, 2),
        }),
        // Unmasked beside masked rows: its own argmax, untouched.
        samplingParams({ temperature: 0, numLogprobs: 2 }),
        // Penalties and a bias on banned and allowed tokens, top-k / top-p after the mask.
        samplingParams({
          temperature: 0.8,
          seed: 3,
          topK: 20,
          topP: 0.9,
          repetitionPenalty: 1.4,
          frequencyPenalty: 0.3,
          presencePenalty: 0.2,
          logitBias: [[3 % vocab, 40]],
          numLogprobs: 20,
          tokenMask: randomMask(vocab, 0.02, 3),
        }),
        // A mask allowing a single token: greedy and sampled must both take it.
        samplingParams({ temperature: 2, seed: 5, tokenMask: randomMask(vocab, 0, 4) }),
      ];
      const histories = params.map((_, s) => (s % 2 === 0 ? history : NO_HISTORY));
      const logits = randomLogits(params.length, vocab, vocab + 17, 3);
      const { results, scores } = await sampleOnGpu(t.ctx, logits, vocab, params, histories);
      const want = sampleBatchReference(logits, vocab, params, histories);
      params.forEach((p, s) => {
        const row = logits.subarray(s * vocab, (s + 1) * vocab);
        const masked = p.tokenMask ? maskLogits(row, p.tokenMask) : row;
        const ref = scoresReference(masked, p, histories[s] as TokenHistory);
        expect(bits(scores.subarray(s * vocab, (s + 1) * vocab)), `scores of row ${s}`).toEqual(bits(ref));
        const got = results[s];
        const w = want[s];
        expect(got?.token, `token of row ${s}`).toBe(w?.token);
        if (p.tokenMask) expect(tokenAllowed(p.tokenMask, got?.token ?? -1), `row ${s}`).toBe(true);
        expect(got?.rank).toBe(w?.rank);
        expect(got?.topIds).toEqual(w?.topIds);
        expectClose([got?.logprob ?? 0], [w?.logprob ?? 0], { atol: 1e-5, rtol: 0 }, `logprob of row ${s}`);
      });
      // The biased banned token stays banned; the single allowed token is taken at temperature 2.
      const only = [...Array(vocab).keys()].filter((i) => tokenAllowed(params[4]?.tokenMask ?? [], i));
      expect(only).toHaveLength(1);
      expect(results[4]?.token).toBe(only[0]);
    },
  );
});
