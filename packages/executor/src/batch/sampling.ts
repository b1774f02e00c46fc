import {
  type SamplingParams as KernelParams,
  maskLogits,
  rawLogprobsReference,
  type SampleResult,
  sampleReference,
  sampleTokenReference,
} from "@pagoda/kernels-wgsl";
import type { TokenLogprobs } from "@pagoda/scheduler";
import type { RequestState } from "./request-states.js";

/** The sampling kernels' parameters for a request's next token (the RNG counter is its output index). */
export function kernelParams(r: RequestState): KernelParams {
  const p = r.params;
  return {
    temperature: p.temperature,
    topK: p.topK,
    topP: p.topP,
    minP: p.minP,
    seed: r.seed,
    step: r.tokenIds.length - r.numPromptTokens,
    repetitionPenalty: p.repetitionPenalty,
    presencePenalty: p.presencePenalty,
    frequencyPenalty: p.frequencyPenalty,
    numLogprobs: p.logprobs ?? 0,
    ...withBias(p, r.tokenIds.length - r.numPromptTokens),
  };
}

// Far below any logit yet finite (the kernels reject infinite biases): exp() of it is 0 in f32.
const BANNED = -1e30;

// `logitBias`, plus the ban on stop tokens while `minTokens` is not reached; the ban replaces a
// caller's own bias on the same token (ids must stay distinct).
function withBias(p: RequestState["params"], step: number): Pick<KernelParams, "logitBias"> {
  const min = p.minTokens;
  if (min === undefined || step >= min.count || min.tokenIds.length === 0) {
    return p.logitBias === undefined ? {} : { logitBias: p.logitBias };
  }
  const banned = new Set(min.tokenIds);
  const kept = (p.logitBias ?? []).filter(([id]) => !banned.has(id));
  return { logitBias: [...kept, ...[...banned].map((id): [number, number] => [id, BANNED])] };
}

/** The contract's log-probability record of one sample, or undefined when none was asked for. */
export function toTokenLogprobs(r: RequestState, s: SampleResult): TokenLogprobs | undefined {
  if (r.params.logprobs === null) return undefined;
  return {
    tokenId: s.token,
    logprob: s.logprob,
    top: s.topIds.map((id, i) => [id, s.topLogprobs[i] as number]),
  };
}

/** The log-probability record of `token` under a raw logits row, or undefined when none was asked for. */
export function tokenLogprobsOf(
  raw: Float32Array,
  r: RequestState,
  token: number,
): TokenLogprobs | undefined {
  if (r.params.logprobs === null) return undefined;
  return toTokenLogprobs(r, {
    token,
    numKept: 0,
    cut: 0,
    ...rawLogprobsReference(raw, token, r.params.logprobs),
  });
}

// Masked logits of the request being sampled: one buffer reused, not a vocabulary-sized array per
// constrained request per step (sampling is synchronous, so nothing else holds it meanwhile).
let maskScratch = new Float32Array(0);

/** Samples on the CPU with exactly the GPU kernels' rules (the kernels' TypeScript reference). */
export function sampleOnCpu(
  raw: Float32Array,
  r: RequestState,
): { tokenId: number; logprobs?: TokenLogprobs } {
  // A grammar's mask goes first, so every later filter sees only the tokens it allows.
  if (r.tokenMask && maskScratch.length < raw.length) maskScratch = new Float32Array(raw.length);
  const logits = r.tokenMask ? maskLogits(raw, r.tokenMask, maskScratch) : raw;
  const history = { tokens: r.tokenIds, numPromptTokens: r.numPromptTokens };
  // Without logprobs the log-softmax over the vocabulary is skipped: same token, less work.
  if (r.params.logprobs === null)
    return { tokenId: sampleTokenReference(logits, kernelParams(r), history).token };
  const result = sampleReference(logits, kernelParams(r), history);
  const logprobs = toTokenLogprobs(r, result);
  return logprobs ? { tokenId: result.token, logprobs } : { tokenId: result.token };
}
