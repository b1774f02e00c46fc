import type { SamplingParams as KernelParams } from "@pagoda/kernels-wgsl";
import { ExecutorError } from "../errors.js";

// Far below any logit yet finite (the sampling kernels reject infinities): exp() of it is 0 in f32.
const MASKED = -1e30;

/**
 * A copy of `logits` (written to `out`, at least as long, when given) where every token whose bit
 * is clear in `mask` is pushed to a finite -1e30. The mask is packed like xgrammar's bitmask:
 * token t is bit (t & 31) of word t >> 5. Applied before any other filter so penalties, top-k/p
 * and min-p only ever see allowed tokens.
 */
export function applyTokenMask(
  logits: Float32Array,
  mask: Int32Array,
  out: Float32Array = new Float32Array(logits.length),
): Float32Array {
  if (mask.length * 32 < logits.length) {
    throw new ExecutorError(
      "executor.bad_token_mask",
      `token mask has ${mask.length} words, a vocabulary of ${logits.length} needs ${Math.ceil(logits.length / 32)}`,
    );
  }
  if (out.length < logits.length) {
    throw new ExecutorError(
      "executor.bad_token_mask",
      `mask output holds ${out.length} of ${logits.length} logits`,
    );
  }
  let allowed = 0;
  for (let t = 0; t < logits.length; t++) {
    if (((mask[t >> 5] as number) >>> (t & 31)) & 1) {
      out[t] = logits[t] as number;
      allowed++;
    } else out[t] = MASKED;
  }
  if (allowed === 0) {
    throw new ExecutorError("executor.empty_token_mask", "token mask allows no token of the vocabulary");
  }
  return out.length === logits.length ? out : out.subarray(0, logits.length);
}

/**
 * The kernels' parameters with `mask` folded into `logitBias` (every banned token at -1e30,
 * replacing a caller's bias on it), for executors that sample on the GPU from the parameters
 * alone: the same tokens stay possible as with {@link applyTokenMask}.
 */
export function maskAsBias(params: KernelParams, mask: Int32Array, vocab: number): KernelParams {
  const banned: Array<[number, number]> = [];
  for (let t = 0; t < vocab; t++) {
    if (!(((mask[t >> 5] ?? 0) >>> (t & 31)) & 1)) banned.push([t, MASKED]);
  }
  if (banned.length === vocab) {
    throw new ExecutorError("executor.empty_token_mask", "token mask allows no token of the vocabulary");
  }
  const isBanned = (id: number) => !(((mask[id >> 5] ?? 0) >>> (id & 31)) & 1);
  const kept = (params.logitBias ?? []).filter(([id]) => !isBanned(id));
  return { ...params, logitBias: [...kept, ...banned] };
}
