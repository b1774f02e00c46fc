/**
 * Reference rotate-half RoPE of `[numTokens, numHeads * headDim]` rows: the angle is the f32
 * product HF forms, its sin/cos taken in f64.
 */
export function ropeReference(
  x: Float32Array,
  positions: Int32Array,
  invFreq: Float32Array,
  numHeads: number,
  headDim: number,
): Float32Array {
  const out = x.slice();
  const half = headDim / 2;
  positions.forEach((pos, t) => {
    for (let h = 0; h < numHeads; h++) {
      const base = (t * numHeads + h) * headDim;
      for (let i = 0; i < half; i++) {
        const angle = Math.fround(pos * (invFreq[i] ?? 0));
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        const x1 = x[base + i] ?? 0;
        const x2 = x[base + i + half] ?? 0;
        out[base + i] = x1 * c - x2 * s;
        out[base + i + half] = x2 * c + x1 * s;
      }
    }
  });
  return out;
}
