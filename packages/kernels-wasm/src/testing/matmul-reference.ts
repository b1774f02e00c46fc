/** Plain f64 matmul: out[t, o] = Σ_i x[t, i] · w[o, i] (+ bias[o]); also returns Σ |x · w| per element. */
export function matmulReference(
  x: ArrayLike<number>,
  w: Float64Array,
  bias: Float32Array | undefined,
  numRows: number,
  inDim: number,
  outDim: number,
): { out: Float64Array; magnitude: Float64Array } {
  const out = new Float64Array(numRows * outDim);
  const magnitude = new Float64Array(numRows * outDim);
  for (let t = 0; t < numRows; t++) {
    for (let o = 0; o < outDim; o++) {
      let s = 0;
      let m = 0;
      for (let i = 0; i < inDim; i++) {
        const p = (x[t * inDim + i] as number) * (w[o * inDim + i] as number);
        s += p;
        m += Math.abs(p);
      }
      const b = bias ? (bias[o] as number) : 0;
      out[t * outDim + o] = s + b;
      magnitude[t * outDim + o] = m + Math.abs(b);
    }
  }
  return { out, magnitude };
}
