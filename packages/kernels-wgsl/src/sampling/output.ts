import { OUT, OUTPUT_WORDS } from "./layout.js";

/** What sampling produced for one sequence (GPU output decoded, or the TypeScript reference). */
export interface SampleResult {
  /** The sampled token id. */
  readonly token: number;
  /** Log-probability of `token` under the raw logits (before penalties and temperature). */
  readonly logprob: number;
  /** 1 + the number of raw logits strictly greater than `token`'s. */
  readonly rank: number;
  /** How many tokens the sampled set held after top-k / top-p / min-p (1 when greedy). */
  readonly numKept: number;
  /** The smallest processed (penalized, scaled) logit in that set; the maximum when greedy. */
  readonly cut: number;
  /** The `numLogprobs` most likely raw tokens, highest first (ties → lower id first). */
  readonly topIds: readonly number[];
  /** Their raw log-probabilities. */
  readonly topLogprobs: readonly number[];
}

/**
 * Decodes the output buffer's bytes (`[numSeqs]` records of {@link OUTPUT_WORDS} words) as
 * read back with one copy.
 */
export function decodeSamplingOutput(bytes: ArrayBuffer, numSeqs: number): SampleResult[] {
  const u32 = new Uint32Array(bytes, 0, numSeqs * OUTPUT_WORDS);
  const f32 = new Float32Array(bytes, 0, numSeqs * OUTPUT_WORDS);
  const results: SampleResult[] = [];
  for (let s = 0; s < numSeqs; s++) {
    const at = s * OUTPUT_WORDS;
    const numTop = u32[at + OUT.numTop] ?? 0;
    results.push({
      token: u32[at + OUT.token] ?? 0,
      logprob: f32[at + OUT.logprob] ?? Number.NaN,
      rank: u32[at + OUT.rank] ?? 0,
      numKept: u32[at + OUT.numKept] ?? 0,
      cut: f32[at + OUT.cut] ?? Number.NaN,
      topIds: Array.from(u32.subarray(at + OUT.topIds, at + OUT.topIds + numTop)),
      topLogprobs: Array.from(f32.subarray(at + OUT.topLogprobs, at + OUT.topLogprobs + numTop)),
    });
  }
  return results;
}
