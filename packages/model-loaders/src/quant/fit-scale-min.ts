// The per-sub-block fit of Q4_K: values x ≈ scale·q + min with q in 0..nmax and min <= 0 (the
// format stores min as a non-negative amount subtracted). A few candidate scales around
// (max - min) / nmax each pick levels; (scale, min) are then refitted to those levels by least
// squares, and the candidate with the smallest squared error wins (the idea of ggml's
// make_qkx2_quants, unweighted). One pass over the values per candidate: the error comes from sums.

/** A fitted scale and (non-positive) offset. */
export interface ScaleMin {
  scale: number;
  min: number;
}

const STEPS = [-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2];

/** The squared error of (scale, min) on the levels of `iscale`, and the refitted pair. */
function tryScale(
  x: Float32Array,
  xo: number,
  n: number,
  iscale: number,
  lo: number,
  nmax: number,
  refit: boolean,
) {
  let sL = 0;
  let sL2 = 0;
  let sx = 0;
  let sx2 = 0;
  let sLx = 0;
  for (let i = 0; i < n; i++) {
    const v = x[xo + i] as number;
    const q = Math.min(nmax, Math.max(0, Math.round((v - lo) * iscale)));
    sL += q;
    sL2 += q * q;
    sx += v;
    sx2 += v * v;
    sLx += q * v;
  }
  let scale = 1 / iscale;
  let min = lo;
  const det = n * sL2 - sL * sL;
  if (refit && det > 0) {
    scale = (n * sLx - sL * sx) / det;
    min = (sL2 * sx - sL * sLx) / det;
    if (min > 0) {
      min = 0;
      scale = sLx / sL2;
    }
  }
  const err =
    scale * scale * sL2 + 2 * scale * min * sL + n * min * min - 2 * scale * sLx - 2 * min * sx + sx2;
  return { scale, min, err };
}

/** The best (scale, min) found for `x[xo .. xo + n)` at `nmax` levels. */
export function fitScaleMin(x: Float32Array, xo: number, n: number, nmax: number): ScaleMin {
  let lo = 0;
  let hi = x[xo] as number;
  for (let i = 0; i < n; i++) {
    const v = x[xo + i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi <= lo) return { scale: 0, min: lo };
  let best = tryScale(x, xo, n, nmax / (hi - lo), lo, nmax, false);
  for (const step of STEPS) {
    const candidate = tryScale(x, xo, n, (nmax + step) / (hi - lo), lo, nmax, true);
    if (candidate.err < best.err && candidate.scale > 0) best = candidate;
  }
  return { scale: best.scale, min: best.min };
}
