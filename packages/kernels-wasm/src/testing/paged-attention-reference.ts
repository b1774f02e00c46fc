/** Shapes and indices of the pagedAttention reference. */
export interface AttentionCase {
  readonly numSeqs: number;
  readonly numTokens: number;
  readonly numHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly blockSize: number;
  readonly maxBlocksPerSeq: number;
  readonly qRowStride: number;
  readonly queryStartLoc: Int32Array;
  readonly positions: Int32Array;
  readonly blockTables: Int32Array;
  readonly scale: number;
}

/** Plain f64 causal paged attention with an ordinary (two-pass) softmax; out `[numTokens, numHeads · headDim]`. */
export function pagedAttentionReference(
  c: AttentionCase,
  q: Float32Array,
  keyCache: Float32Array,
  valueCache: Float32Array,
): Float64Array {
  const { headDim, numHeads, numKvHeads, blockSize } = c;
  const group = numHeads / numKvHeads;
  const out = new Float64Array(c.numTokens * numHeads * headDim);
  for (let s = 0; s < c.numSeqs; s++) {
    for (let t = c.queryStartLoc[s] as number; t < (c.queryStartLoc[s + 1] as number); t++) {
      const ctx = (c.positions[t] as number) + 1;
      for (let h = 0; h < numHeads; h++) {
        const kvh = Math.floor(h / group);
        const qo = t * c.qRowStride + h * headDim;
        const at = (j: number) => {
          const block = c.blockTables[s * c.maxBlocksPerSeq + Math.floor(j / blockSize)] as number;
          return ((block * numKvHeads + kvh) * blockSize + (j % blockSize)) * headDim;
        };
        const scores = new Float64Array(ctx);
        for (let j = 0; j < ctx; j++) {
          let d = 0;
          for (let i = 0; i < headDim; i++) d += (q[qo + i] as number) * (keyCache[at(j) + i] as number);
          scores[j] = d * c.scale;
        }
        const m = Math.max(...scores);
        let sum = 0;
        for (let j = 0; j < ctx; j++) sum += Math.exp((scores[j] as number) - m);
        for (let j = 0; j < ctx; j++) {
          const p = Math.exp((scores[j] as number) - m) / sum;
          for (let i = 0; i < headDim; i++) {
            const o = (t * numHeads + h) * headDim + i;
            out[o] = (out[o] as number) + p * (valueCache[at(j) + i] as number);
          }
        }
      }
    }
  }
  return out;
}
