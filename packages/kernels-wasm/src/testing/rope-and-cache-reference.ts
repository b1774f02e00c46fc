/** Shapes and inputs of the ropeAndCache reference. */
export interface RopeCase {
  readonly numTokens: number;
  readonly rowStride: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly positions: Int32Array;
  readonly slots: Int32Array;
  readonly invFreq: Float64Array;
  readonly qNorm: Float32Array | undefined;
  readonly kNorm: Float32Array | undefined;
  readonly eps: number;
  readonly blockSize: number;
}

/** Plain f64 ropeAndCache: returns the new qkv and writes k/v into the given caches (in f64 copies). */
export function ropeAndCacheReference(
  c: RopeCase,
  qkv: Float32Array,
  keyCache: Float64Array,
  valueCache: Float64Array,
): Float64Array {
  const out = Float64Array.from(qkv);
  const { headDim, numHeads, numKvHeads } = c;
  const half = headDim / 2;
  for (let t = 0; t < c.numTokens; t++) {
    const row = t * c.rowStride;
    const pos = c.positions[t] as number;
    for (let h = 0; h < numHeads + numKvHeads; h++) {
      const p = row + h * headDim;
      const norm = h < numHeads ? c.qNorm : c.kNorm;
      if (norm) {
        let ss = 0;
        for (let i = 0; i < headDim; i++) ss += (out[p + i] as number) ** 2;
        const inv = 1 / Math.sqrt(ss / headDim + c.eps);
        for (let i = 0; i < headDim; i++) out[p + i] = (out[p + i] as number) * inv * (norm[i] as number);
      }
      for (let i = 0; i < half; i++) {
        const angle = pos * (c.invFreq[i] as number);
        const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
        const a = out[p + i] as number;
        const b = out[p + i + half] as number;
        out[p + i] = a * cos - b * sin;
        out[p + i + half] = b * cos + a * sin;
      }
    }
    const slot = c.slots[t] as number;
    if (slot < 0) continue;
    const block = Math.floor(slot / c.blockSize);
    const off = slot % c.blockSize;
    for (let h = 0; h < numKvHeads; h++) {
      const dst = ((block * numKvHeads + h) * c.blockSize + off) * headDim;
      const k = row + (numHeads + h) * headDim;
      const v = row + (numHeads + numKvHeads + h) * headDim;
      for (let i = 0; i < headDim; i++) {
        keyCache[dst + i] = out[k + i] as number;
        valueCache[dst + i] = out[v + i] as number;
      }
    }
  }
  return out;
}
