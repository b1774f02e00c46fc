import { check } from "./errors.js";

/** A seeded source of uniform random numbers; the only randomness the workload code uses. */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform float in [0, 1) with 53 random bits. */
  next(): number;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/**
 * xoshiro128** (Blackman & Vigna): 128 bits of state, period 2^128 − 1, fast with 32-bit integer
 * arithmetic, which is what JavaScript does cheaply. Runs must be replayable from a seed, so
 * Math.random is never used.
 */
export class Xoshiro128 implements Rng {
  private readonly s: Uint32Array;

  /** Starts from an explicit state (not all zero); use {@link createRng} to start from a seed. */
  constructor(state: readonly [number, number, number, number]) {
    this.s = Uint32Array.from(state);
    check(
      this.s.some((w) => w !== 0),
      "state",
      "not all zero",
      state.join(","),
    );
  }

  nextUint32(): number {
    const s = this.s;
    const s0 = s[0] ?? 0;
    const s1 = s[1] ?? 0;
    const s2 = s[2] ?? 0;
    const s3 = s[3] ?? 0;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return result;
  }

  next(): number {
    // 27 + 26 bits, as in the reference double conversion: every double in [0, 1) on a 2^-53 grid.
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }
}

/** SplitMix32: spreads a small, similar-looking seed (0, 1, 2…) into well-mixed state words. */
function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let z = a ^ (a >>> 16);
    z = Math.imul(z, 0x21f0aaad);
    z ^= z >>> 15;
    z = Math.imul(z, 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/**
 * A generator seeded from any safe integer (negative and above 2^32 included): the same seed
 * always gives the same sequence, on every platform.
 *
 * @example
 * const rng = createRng(42);
 * rng.next(); // the same float in [0, 1) on every run
 */
export function createRng(seed: number): Rng {
  check(Number.isSafeInteger(seed), "seed", "a safe integer", seed);
  // Both halves of the seed matter, so seeds that differ only above bit 32 give other streams.
  const low = splitmix32(seed >>> 0);
  const high = splitmix32(Math.floor(seed / 4294967296) ^ 0x5bd1e995);
  const state: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) state[i] = (low() ^ rotl(high(), 16)) >>> 0;
  if (state.every((w) => w === 0)) state[0] = 1; // the one forbidden state; astronomically rare
  return new Xoshiro128(state);
}
