/**
 * Reorders the rows of a q or k projection from Hugging Face's rotate-half RoPE layout to the
 * interleaved layout of GGML's normal (non-NEOX) RoPE, as llama.cpp's converter does for the
 * `llama` architecture. Within each head of `headDim` rows, HF rotates row `i` with row
 * `i + headDim/2`; GGML rotates rows `2i` and `2i + 1`. So new row `2i + t` of a head is old row
 * `t·headDim/2 + i` (t = 0, 1). Rows are opaque byte runs of `rowBytes`, so any dtype works, and
 * so do biases (`rowBytes` = one element).
 *
 * @example
 * // one head, headDim 4: rows [r0, r1, r2, r3] become [r0, r2, r1, r3]
 */
export function permuteRotaryRows(data: Uint8Array, numHeads: number, rowBytes: number): Uint8Array {
  return moveRotaryRows(data, numHeads, rowBytes, false);
}

/**
 * The inverse of {@link permuteRotaryRows}: a GGUF `llama` file's q or k rows (or biases) back in
 * Hugging Face's rotate-half order, which the executors' RoPE expects.
 */
export function unpermuteRotaryRows(data: Uint8Array, numHeads: number, rowBytes: number): Uint8Array {
  return moveRotaryRows(data, numHeads, rowBytes, true);
}

function moveRotaryRows(data: Uint8Array, numHeads: number, rowBytes: number, inverse: boolean): Uint8Array {
  const headDim = data.length / rowBytes / numHeads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) {
    throw new RangeError(
      `${data.length} bytes are not ${numHeads} heads of an even number of ${rowBytes}-byte rows`,
    );
  }
  const half = headDim / 2;
  const out = new Uint8Array(data.length);
  for (let h = 0; h < numHeads; h++) {
    for (let i = 0; i < half; i++) {
      for (let t = 0; t < 2; t++) {
        const hf = (h * headDim + t * half + i) * rowBytes;
        const ggml = (h * headDim + 2 * i + t) * rowBytes;
        const [from, to] = inverse ? [ggml, hf] : [hf, ggml];
        out.set(data.subarray(from, from + rowBytes), to);
      }
    }
  }
  return out;
}
