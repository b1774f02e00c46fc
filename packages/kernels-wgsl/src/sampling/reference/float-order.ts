// The GPU compares logits through their bits: an f32 mapped to a u32 whose unsigned order is the
// float order (-0 sorts just below +0). The reference uses the same map so ties and thresholds
// agree exactly.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The order-preserving u32 key of an f32 value. */
export function orderKey(x: number): number {
  f32[0] = x;
  const bits = u32[0] as number;
  return (bits & 0x80000000 ? ~bits : bits | 0x80000000) >>> 0;
}

/** The f32 value of an order key (inverse of {@link orderKey}). */
export function keyValue(key: number): number {
  u32[0] = key & 0x80000000 ? key & 0x7fffffff : ~key;
  return f32[0] as number;
}

/** Largest finite f32 magnitude: the neutral element of the GPU's max and min reductions. */
export const F32_MAX = 3.4028234663852886e38;

/** Index of the largest value, the lowest index among ties (what greedy decoding picks). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if ((values[i] as number) > (values[best] as number)) best = i;
  }
  return best;
}
