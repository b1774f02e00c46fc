// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), written
// from the paper's definition. The WGSL twin is in wgsl/philox.wgsl.ts; both use only 32-bit
// integer operations, so they agree bit for bit on every device.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** Third counter word of every sampling draw: names the use, so other uses get other streams. */
export const SAMPLE_STREAM = 0x53414d50; // "SAMP"

/** High 32 bits of the 64-bit product of two u32, from 16-bit halves (WGSL has no u64). */
export function mulHi32(a: number, b: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const ll = aL * bL;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aH * bH + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * Philox4x32 with 10 rounds: four random u32 words for a 128-bit counter and a 64-bit key.
 *
 * @example
 * philox4x32([0, 0, 0, 0], [0, 0]); // Uint32Array [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 */
export function philox4x32(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  let [c0, c1, c2, c3] = counter.map((x) => x >>> 0) as [number, number, number, number];
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulHi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulHi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/**
 * A random u32 to a uniform in (0, 1): the top 23 bits plus one half, times 2^-23. The result
 * has 24 significant bits, so it is exact in f32 and identical on the host and the GPU; it is
 * never 0 or 1, so both logarithms of the Gumbel noise stay finite.
 */
export function uniformFromBits(bits: number): number {
  return ((bits >>> 9) + 0.5) * 2 ** -23;
}

/** The 64-bit Philox key of a seed in [0, 2^53): low word, high word. */
export function seedKey(seed: number): [number, number] {
  return [(seed % 2 ** 32) >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
}
