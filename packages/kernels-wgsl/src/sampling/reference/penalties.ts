import type { SamplingParams, TokenHistory } from "../params.js";

const fround = Math.fround;

/**
 * The logits after penalties, in f32 exactly as the GPU computes them (each operation rounded):
 * for every distinct token in prompt + output, `x > 0 ? x / rep : x × rep`; then for every token
 * seen `c > 0` times in the output, `x − c × freq`, then `x − presence`.
 */
export function penalizeReference(
  logits: Float32Array,
  params: SamplingParams,
  history: TokenHistory,
): Float32Array {
  const out = Float32Array.from(logits);
  const rep = fround(params.repetitionPenalty);
  const presence = fround(params.presencePenalty);
  const frequency = fround(params.frequencyPenalty);
  if (rep === 1 && presence === 0 && frequency === 0) return out;
  const outputCounts = new Map<number, number>();
  const seen = new Set<number>();
  for (let i = 0; i < history.tokens.length; i++) {
    const token = history.tokens[i] as number;
    seen.add(token);
    if (i >= history.numPromptTokens) outputCounts.set(token, (outputCounts.get(token) ?? 0) + 1);
  }
  for (const token of seen) {
    let x = logits[token] as number;
    if (rep !== 1) x = x > 0 ? fround(x / rep) : fround(x * rep);
    const count = outputCounts.get(token) ?? 0;
    if (count > 0) x = fround(fround(x - fround(count * frequency)) - presence);
    out[token] = x;
  }
  return out;
}

/**
 * What the sampling kernels work on (the `scores` workspace): penalized logits, plus the logit
 * bias, divided by the temperature unless it is 0 (greedy).
 */
export function scoresReference(
  logits: Float32Array,
  params: SamplingParams,
  history: TokenHistory,
): Float32Array {
  const scores = penalizeReference(logits, params, history);
  for (const [token, bias] of params.logitBias ?? []) {
    scores[token] = fround((scores[token] as number) + fround(bias));
  }
  const t = fround(params.temperature);
  if (t > 0) for (let i = 0; i < scores.length; i++) scores[i] = (scores[i] as number) / t;
  return scores;
}
