import { describe, expect, it } from "vitest";
import { seededRandom } from "../../testing/random.js";
import { philox4x32, SAMPLE_STREAM, seedKey, uniformFromBits } from "../philox.js";
import { gumbelArgmax } from "./gumbel.js";

/** Gumbel-max over every kept token, with no skipping: what gumbelArgmax must equal. */
function naive(z: Float32Array, kept: Uint8Array, seed: number, step: number): number {
  const f = Math.fround;
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < z.length; i++) {
    if (!kept[i]) continue;
    const u = uniformFromBits(philox4x32([i >>> 2, step, SAMPLE_STREAM, 0], seedKey(seed))[i & 3] ?? 0);
    const score = f((z[i] as number) + f(-Math.log(f(-Math.log(u)))));
    if (best < 0 || score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

describe("gumbelArgmax", () => {
  it("skips only tokens that cannot win: same draws as drawing noise for every token", () => {
    const next = seededRandom(12);
    // Spread over 60 logits: many tokens sit more than GUMBEL_SPAN below the max.
    const z = Float32Array.from({ length: 300 }, () => next() * 60 - 30);
    const kept = Uint8Array.from({ length: 300 }, (_, i) => (i % 7 === 3 ? 0 : 1));
    for (let step = 0; step < 400; step++) {
      expect(gumbelArgmax(z, kept, 5, step)).toBe(naive(z, kept, 5, step));
    }
  });

  it("never draws an unkept token, even the largest", () => {
    const z = Float32Array.of(10, 1, 1.5);
    for (let step = 0; step < 50; step++)
      expect(gumbelArgmax(z, Uint8Array.of(0, 1, 1), 3, step)).not.toBe(0);
  });
});
