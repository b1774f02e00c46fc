/** Plain f64 RMSNorm of `[rows, width]`: src = x (+ residual), out = src / sqrt(mean(src²) + eps) · w. */
export function rmsNormReference(
  x: Float32Array,
  residual: Float32Array | undefined,
  weight: Float32Array,
  rows: number,
  width: number,
  eps: number,
): { out: Float64Array; residual: Float64Array | undefined } {
  const out = new Float64Array(rows * width);
  const res = residual ? new Float64Array(rows * width) : undefined;
  for (let r = 0; r < rows; r++) {
    const src = new Float64Array(width);
    for (let i = 0; i < width; i++) {
      const j = r * width + i;
      src[i] = residual ? Math.fround((residual[j] as number) + (x[j] as number)) : (x[j] as number);
      if (res) res[j] = src[i] as number;
    }
    let ss = 0;
    for (let i = 0; i < width; i++) ss += (src[i] as number) ** 2;
    const inv = 1 / Math.sqrt(ss / width + eps);
    for (let i = 0; i < width; i++) out[r * width + i] = (src[i] as number) * inv * (weight[i] as number);
  }
  return { out, residual: res };
}
