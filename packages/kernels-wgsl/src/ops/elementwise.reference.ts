/** Reference of `encodeSwiglu`: rows of `[gate (F) | up (F)]` to `silu(gate) * up`. */
export function swigluReference(gateUp: Float32Array, ffn: number): Float32Array {
  const numTokens = gateUp.length / (2 * ffn);
  const out = new Float32Array(numTokens * ffn);
  for (let t = 0; t < numTokens; t++) {
    for (let j = 0; j < ffn; j++) {
      const g = gateUp[t * 2 * ffn + j] ?? 0;
      const u = gateUp[t * 2 * ffn + ffn + j] ?? 0;
      out[t * ffn + j] = (g / (1 + Math.exp(-g))) * u;
    }
  }
  return out;
}

/** Reference of `encodeGatherRows`. */
export function gatherRowsReference(
  src: Float32Array,
  index: ArrayLike<number>,
  width: number,
  residual?: Float32Array,
): Float32Array {
  const out = new Float32Array(index.length * width);
  for (let s = 0; s < index.length; s++) {
    const from = (index[s] ?? 0) * width;
    for (let c = 0; c < width; c++) {
      out[s * width + c] = (src[from + c] ?? 0) + (residual ? (residual[from + c] ?? 0) : 0);
    }
  }
  return out;
}
