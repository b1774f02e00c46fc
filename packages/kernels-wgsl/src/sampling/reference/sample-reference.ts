import type { SampleResult } from "../output.js";
import { NO_HISTORY, type SamplingParams, type TokenHistory, validateSampling } from "../params.js";
import { SamplingError } from "../sampling-error.js";
import { maskLogits } from "../token-mask.js";
import { keptSetReference } from "./filters.js";
import { argmax } from "./float-order.js";
import { gumbelArgmax } from "./gumbel.js";
import { rawLogprobsReference } from "./logprobs.js";
import { scoresReference } from "./penalties.js";

/**
 * Samples one sequence's next token on the CPU with exactly the GPU kernels' rules: token mask →
 * penalties → greedy argmax if temperature is 0 → ÷ temperature → top-k → top-p → min-p →
 * Gumbel-max with Philox noise. Logprobs come from the raw logits (after the token mask). See the
 * README for the rules.
 *
 * @example
 * const { token } = sampleReference(logits, samplingParams({ topP: 0.9, seed: 7, step: 0 }));
 */
export function sampleReference(
  logits: Float32Array,
  params: SamplingParams,
  history: TokenHistory = NO_HISTORY,
): SampleResult {
  const row = checkedRow(logits, params, history);
  const picked = pick(row, params, history);
  return { ...picked, ...rawLogprobsReference(row, picked.token, params.numLogprobs) };
}

/**
 * {@link sampleReference} without the log-probabilities: the same token, for callers that
 * return none (the log-softmax over the vocabulary costs more than greedy sampling itself).
 */
export function sampleTokenReference(
  logits: Float32Array,
  params: SamplingParams,
  history: TokenHistory = NO_HISTORY,
): Pick<SampleResult, "token" | "numKept" | "cut"> {
  return pick(checkedRow(logits, params, history), params, history);
}

// The row every rule sees: validated, and masked when the params carry a token mask.
function checkedRow(logits: Float32Array, params: SamplingParams, history: TokenHistory): Float32Array {
  if (logits.length === 0) throw new SamplingError("sampling.empty_vocab", "logits row is empty");
  validateSampling(params, history, logits.length);
  return params.tokenMask === undefined ? logits : maskLogits(logits, params.tokenMask);
}

function pick(
  logits: Float32Array,
  params: SamplingParams,
  history: TokenHistory,
): Pick<SampleResult, "token" | "numKept" | "cut"> {
  const scores = scoresReference(logits, params, history);
  if (Math.fround(params.temperature) === 0) {
    const token = argmax(scores);
    return { token, numKept: 1, cut: scores[token] as number };
  }
  const set = keptSetReference(scores, params);
  const token = gumbelArgmax(scores, set.kept, params.seed, params.step);
  return { token, numKept: set.numKept, cut: set.cut };
}

/** {@link sampleReference} over a `[numSeqs, vocab]` batch of logits. */
export function sampleBatchReference(
  logits: Float32Array,
  vocab: number,
  params: readonly SamplingParams[],
  histories: readonly TokenHistory[] = params.map(() => NO_HISTORY),
): SampleResult[] {
  if (logits.length !== params.length * vocab || histories.length !== params.length) {
    throw new SamplingError(
      "sampling.batch_mismatch",
      `${logits.length} logits, ${params.length} parameter sets and ${histories.length} histories for vocab ${vocab}`,
    );
  }
  return params.map((p, s) =>
    sampleReference(logits.subarray(s * vocab, (s + 1) * vocab), p, histories[s] as TokenHistory),
  );
}
