/** Reference `out[m, n] = Σ_k x[m, k] · w[n, k] (+ bias[n])`, accumulated in f64. */
export function matmulReference(
  x: Float32Array,
  w: Float32Array,
  m: number,
  n: number,
  k: number,
  bias?: Float32Array,
): Float32Array {
  const out = new Float32Array(m * n);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < n; c++) {
      let sum = bias ? (bias[c] ?? 0) : 0;
      for (let i = 0; i < k; i++) sum += (x[r * k + i] ?? 0) * (w[c * k + i] ?? 0);
      out[r * n + c] = sum;
    }
  }
  return out;
}
