/** Raw log-probabilities of one sequence, computed in float64. */
export interface RawLogprobs {
  readonly logprob: number;
  readonly rank: number;
  readonly topIds: number[];
  readonly topLogprobs: number[];
}

/**
 * log-softmax of the raw logits at `token`, its rank (1 + count of strictly larger logits) and
 * the `numLogprobs` largest entries, highest first, lower id first among ties.
 */
export function rawLogprobsReference(logits: Float32Array, token: number, numLogprobs: number): RawLogprobs {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const lse = max + Math.log(sum);
  const target = logits[token] as number;
  let greater = 0;
  for (const x of logits) if (x > target) greater++;
  // Insertion into a short sorted list: O(vocab) when most logits lose the first comparison.
  const count = Math.min(numLogprobs, logits.length);
  const top: number[] = [];
  for (let i = 0; i < logits.length && count > 0; i++) {
    const x = logits[i] as number;
    if (top.length === count && x <= (logits[top[count - 1] as number] as number)) continue;
    let at = top.length;
    while (at > 0 && x > (logits[top[at - 1] as number] as number)) at--;
    top.splice(at, 0, i);
    if (top.length > count) top.pop();
  }
  return {
    logprob: target - lse,
    rank: greater + 1,
    topIds: top,
    topLogprobs: top.map((i) => (logits[i] as number) - lse),
  };
}
