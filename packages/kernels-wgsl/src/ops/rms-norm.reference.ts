/** Reference RMSNorm of each `width`-long row of `x` (f64 sums, like an exact F32 oracle). */
export function rmsNormReference(x: Float32Array, weight: Float32Array, width: number, eps: number) {
  const out = new Float32Array(x.length);
  for (let base = 0; base < x.length; base += width) {
    let sum = 0;
    for (let i = 0; i < width; i++) sum += (x[base + i] ?? 0) ** 2;
    const scale = 1 / Math.sqrt(sum / width + eps);
    for (let i = 0; i < width; i++) out[base + i] = (x[base + i] ?? 0) * scale * (weight[i] ?? 0);
  }
  return out;
}

/** Reference of the fused residual step: returns `{ residual: x + r, out: rmsnorm(x + r) * w }`. */
export function addRmsNormReference(
  x: Float32Array,
  residual: Float32Array,
  weight: Float32Array,
  width: number,
  eps: number,
) {
  const sum = x.map((v, i) => v + (residual[i] ?? 0));
  return { residual: sum, out: rmsNormReference(sum, weight, width, eps) };
}
