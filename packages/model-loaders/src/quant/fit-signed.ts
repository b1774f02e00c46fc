// The per-sub-block scale of Q6_K: levels -nmax..nmax-1 of one signed scale. The plain choice
// maps the value of largest magnitude to -nmax (as Q4_0 does); when the other side holds a value
// nearly as large it clips at nmax - 1, so a few nearby scales are tried too, each refitted by
// least squares on the levels it picks, keeping the smallest squared error (the idea of ggml's
// make_qx_quants, unweighted).

const STEPS = [-0.9, -0.6, -0.3, 0.3, 0.6, 0.9];

/** Squared error and least-squares scale of the levels `iscale` picks for `x[xo .. xo + n)`. */
function tryScale(x: Float32Array, xo: number, n: number, iscale: number, nmax: number, refit: boolean) {
  let sLx = 0;
  let sL2 = 0;
  let sx2 = 0;
  for (let i = 0; i < n; i++) {
    const v = x[xo + i] as number;
    const q = Math.min(nmax - 1, Math.max(-nmax, Math.round(v * iscale)));
    sLx += q * v;
    sL2 += q * q;
    sx2 += v * v;
  }
  const scale = refit && sL2 > 0 ? sLx / sL2 : 1 / iscale;
  return { scale, err: scale * scale * sL2 - 2 * scale * sLx + sx2 };
}

/** The best signed scale found for `x[xo .. xo + n)` (0 for an all-zero sub-block). */
export function fitSigned(x: Float32Array, xo: number, n: number, nmax: number): number {
  let big = 0;
  for (let i = 0; i < n; i++) {
    const v = x[xo + i] as number;
    if (Math.abs(v) > Math.abs(big)) big = v;
  }
  if (big === 0) return 0;
  let best = tryScale(x, xo, n, -nmax / big, nmax, false);
  for (const step of STEPS) {
    const candidate = tryScale(x, xo, n, -(nmax + step) / big, nmax, true);
    if (candidate.err < best.err) best = candidate;
  }
  return best.scale;
}
