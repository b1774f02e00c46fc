/** Runs `fn` (which performs `ops` operations) a few times after a warm-up; returns the median rate in ops/s. */
export function opsPerSecond(ops: number, fn: () => void, repeats = 7): number {
  fn();
  const rates: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    rates.push(ops / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

/** 12_345_678 → "12.3 M". */
export function human(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(1)} M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)} k`;
  return rate.toFixed(0);
}
