import type { Rng } from "./rng.js";

// Samplers for the distributions the workloads need, written against Rng so they replay exactly.

/** Exponential with the given mean, by inversion: one uniform per sample. */
export function sampleExponential(rng: Rng, mean: number): number {
  // 1 − u lies in (0, 1], so the log is finite.
  return -mean * Math.log(1 - rng.next());
}

/** Standard normal, by the Box–Muller transform (one of the pair is used). */
export function sampleStandardNormal(rng: Rng): number {
  const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
  return r * Math.cos(2 * Math.PI * rng.next());
}

/**
 * Gamma with shape `k` and scale `theta` (mean k·θ, variance k·θ²), by Marsaglia and Tsang's
 * squeeze method: exact, and it rejects only a few percent of candidates for any shape.
 */
export function sampleGamma(rng: Rng, k: number, theta: number): number {
  if (k < 1) {
    // The method needs k ≥ 1; Gamma(k) = Gamma(k + 1) · U^(1/k) (Marsaglia & Tsang's boost).
    return sampleGamma(rng, k + 1, theta) * (1 - rng.next()) ** (1 / k);
  }
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleStandardNormal(rng);
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v * theta;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v * theta;
  }
}

/** A uniform integer in [lo, hi], both ends included. */
export function sampleUniformInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.next() * (hi - lo + 1));
}
