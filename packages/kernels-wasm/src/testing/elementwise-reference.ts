/** Plain f64 swiglu over `[rows, 2 · ffn]`. */
export function swigluReference(x: Float32Array, rows: number, ffn: number): Float64Array {
  const out = new Float64Array(rows * ffn);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < ffn; j++) {
      const g = x[r * 2 * ffn + j] as number;
      out[r * ffn + j] = (g / (1 + Math.exp(-g))) * (x[r * 2 * ffn + ffn + j] as number);
    }
  }
  return out;
}

/** Plain f64 max, log-sum-exp and first argmax of each row. */
export function logitsStatsReference(
  logits: Float32Array,
  rows: number,
  vocab: number,
  stride: number,
): { max: number; lse: number; argmax: number }[] {
  const out = [];
  for (let r = 0; r < rows; r++) {
    let max = Number.NEGATIVE_INFINITY;
    let argmax = 0;
    for (let i = 0; i < vocab; i++) {
      const v = logits[r * stride + i] as number;
      if (v > max) {
        max = v;
        argmax = i;
      }
    }
    let sum = 0;
    for (let i = 0; i < vocab; i++) sum += Math.exp((logits[r * stride + i] as number) - max);
    out.push({ max, lse: max + Math.log(sum), argmax });
  }
  return out;
}
