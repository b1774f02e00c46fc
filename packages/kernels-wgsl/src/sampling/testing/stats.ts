/** Pearson's chi-square statistic of observed `counts` against probabilities `p`. */
export function chiSquare(counts: readonly number[], p: readonly number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((s, c, i) => s + (c - n * (p[i] ?? 0)) ** 2 / (n * (p[i] ?? 0)), 0);
}

/** softmax(x / temperature) in float64, over the f32-rounded scaled logits the kernels use. */
export function softmax(logits: ArrayLike<number>, temperature = 1): number[] {
  const z = Array.from(logits, (x) => Math.fround(x / Math.fround(temperature)));
  const max = Math.max(...z);
  const w = z.map((x) => Math.exp(x - max));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

/** How often each of `vocab` ids occurs in `tokens`. */
export function histogram(tokens: readonly number[], vocab: number): number[] {
  const counts = new Array<number>(vocab).fill(0);
  for (const t of tokens) counts[t] = (counts[t] ?? 0) + 1;
  return counts;
}
