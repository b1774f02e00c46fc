// Plain F32 building blocks of the reference forward pass. Accumulation is in float64 (JS
// numbers) and results are stored as F32: the reference is exact to F32 storage, not to an
// F32 summation order, which is why it can serve as the oracle for the WGSL kernels.

/** out[t, o] = Σ_i x[t, i] · w[o, i] (+ bias[o]): `x` is [rows, inDim], `w` is [outDim, inDim]. */
export function matmul(
  x: Float32Array,
  rows: number,
  inDim: number,
  w: Float32Array,
  outDim: number,
  bias?: Float32Array,
): Float32Array {
  const out = new Float32Array(rows * outDim);
  for (let t = 0; t < rows; t++) {
    const xo = t * inDim;
    for (let o = 0; o < outDim; o++) {
      const wo = o * inDim;
      let acc = 0;
      for (let i = 0; i < inDim; i++) acc += (x[xo + i] as number) * (w[wo + i] as number);
      out[t * outDim + o] = acc + (bias ? (bias[o] as number) : 0);
    }
  }
  return out;
}

/** RMSNorm of each `width`-wide row of `x` (in place into a new array), scaled by `weight`. */
export function rmsNorm(x: Float32Array, width: number, weight: Float32Array, eps: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / width; r++) {
    const o = r * width;
    let ss = 0;
    for (let i = 0; i < width; i++) ss += (x[o + i] as number) ** 2;
    const inv = 1 / Math.sqrt(ss / width + eps);
    for (let i = 0; i < width; i++) out[o + i] = (x[o + i] as number) * inv * (weight[i] as number);
  }
  return out;
}

/** silu(gate) · up, element-wise. */
export function swiglu(gate: Float32Array, up: Float32Array): Float32Array {
  const out = new Float32Array(gate.length);
  for (let i = 0; i < gate.length; i++) {
    const g = gate[i] as number;
    out[i] = (g / (1 + Math.exp(-g))) * (up[i] as number);
  }
  return out;
}

/** Rotate-half RoPE on `numHeads` heads of each row of `x` ([rows, numHeads·headDim]), in place. */
export function applyRope(
  x: Float32Array,
  positions: Int32Array,
  numHeads: number,
  headDim: number,
  invFreq: Float64Array,
): void {
  const half = headDim / 2;
  for (let t = 0; t < positions.length; t++) {
    const pos = positions[t] as number;
    for (let h = 0; h < numHeads; h++) {
      const o = (t * numHeads + h) * headDim;
      for (let i = 0; i < half; i++) {
        const angle = pos * (invFreq[i] as number);
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        const x1 = x[o + i] as number;
        const x2 = x[o + i + half] as number;
        x[o + i] = x1 * c - x2 * s;
        x[o + i + half] = x2 * c + x1 * s;
      }
    }
  }
}

/** log-softmax of one row, in float64. */
export function logSoftmax(logits: Float32Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = (logits[i] as number) - lse;
  return out;
}
