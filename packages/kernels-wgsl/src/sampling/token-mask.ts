import { SamplingError } from "./sampling-error.js";

/** Far below any logit yet finite (the kernels reject infinities): exp() of it is 0 in f32. */
export const MASKED_LOGIT = Math.fround(-1e30);

/** Words of a packed token mask over `vocab` tokens: one bit per token. */
export function tokenMaskWords(vocab: number): number {
  return Math.ceil(vocab / 32);
}

/** True when `mask` allows `token`: bit `token & 31` of word `token >> 5` (xgrammar's layout). */
export function tokenAllowed(mask: ArrayLike<number>, token: number): boolean {
  return (((mask[token >> 5] ?? 0) >>> (token & 31)) & 1) === 1;
}

/**
 * Throws {@link SamplingError} unless `mask` has a word for every one of `vocab` tokens and allows
 * at least one of them (bits past the vocabulary in the last word do not count).
 */
export function checkTokenMask(mask: ArrayLike<number>, vocab: number): void {
  const words = tokenMaskWords(vocab);
  if (mask.length < words) {
    throw new SamplingError(
      "sampling.bad_token_mask",
      `token mask has ${mask.length} words, a vocabulary of ${vocab} needs ${words}`,
      { details: { words: mask.length, vocab } },
    );
  }
  const tail = vocab % 32;
  for (let w = 0; w < words; w++) {
    const live = w === words - 1 && tail !== 0 ? ((mask[w] as number) & ((1 << tail) - 1)) >>> 0 : mask[w];
    if (live !== 0) return;
  }
  throw new SamplingError("sampling.empty_token_mask", "token mask allows no token of the vocabulary");
}

/**
 * `logits` with every token `mask` bans at {@link MASKED_LOGIT}, written into `out` (at least as
 * long; a fresh array by default): what every sampling rule then sees, the kernels' included.
 */
export function maskLogits(
  logits: Float32Array,
  mask: ArrayLike<number>,
  out: Float32Array = new Float32Array(logits.length),
): Float32Array {
  checkTokenMask(mask, logits.length);
  if (out.length < logits.length) {
    throw new SamplingError(
      "sampling.bad_token_mask",
      `mask output holds ${out.length} of ${logits.length} logits`,
    );
  }
  // Copy the row, then ban word by word: a word allowing every token (most of a mask mid-string)
  // costs one comparison, a word banning every token one fill.
  const n = logits.length;
  out.set(logits);
  for (let w = 0, base = 0; base < n; w++, base += 32) {
    const bits = (mask[w] as number) | 0;
    if (bits === -1) continue;
    const end = Math.min(base + 32, n);
    if (bits === 0) out.fill(MASKED_LOGIT, base, end);
    else for (let t = base; t < end; t++) if (((bits >>> (t - base)) & 1) === 0) out[t] = MASKED_LOGIT;
  }
  return out.length === n ? out : out.subarray(0, n);
}
