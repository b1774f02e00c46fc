import { PARAM, PARAM_WORDS } from "./layout.js";
import { type SamplingParams, type TokenHistory, validateSampling } from "./params.js";
import { seedKey } from "./philox.js";
import { SamplingError } from "./sampling-error.js";
import { tokenMaskWords } from "./token-mask.js";

/** The two storage buffers' contents for one batch: `SeqParams` records and the token history. */
export interface PackedSamplingInputs {
  /** `[numSeqs]` `SeqParams` records, {@link PARAM_WORDS} words each. */
  readonly params: Uint32Array;
  /** Every sequence's prompt then output tokens, its logit-bias pairs, then its token mask, back to back. */
  readonly history: Uint32Array;
}

/**
 * Validates and packs a batch's sampling parameters and token histories for the GPU.
 *
 * @example
 * const { params, history } = packSamplingInputs([samplingParams({ topP: 0.9 })], [NO_HISTORY], 32000);
 */
export function packSamplingInputs(
  params: readonly SamplingParams[],
  histories: readonly TokenHistory[],
  vocab: number,
): PackedSamplingInputs {
  if (params.length !== histories.length) {
    throw new SamplingError(
      "sampling.batch_mismatch",
      `${params.length} parameter sets for ${histories.length} histories`,
    );
  }
  let total = 0;
  for (let s = 0; s < params.length; s++) {
    validateSampling(params[s] as SamplingParams, histories[s] as TokenHistory, vocab);
    total += historyWords(params[s] as SamplingParams, histories[s] as TokenHistory, vocab);
  }
  const words = new Uint32Array(params.length * PARAM_WORDS);
  const f32 = new Float32Array(words.buffer);
  const i32 = new Int32Array(words.buffer);
  const history = new Uint32Array(total);
  const historyF32 = new Float32Array(history.buffer);
  let start = 0;
  params.forEach((p, s) => {
    const h = histories[s] as TokenHistory;
    const at = s * PARAM_WORDS;
    const [seedLo, seedHi] = seedKey(p.seed);
    f32[at + PARAM.temperature] = p.temperature;
    i32[at + PARAM.topK] = p.topK;
    f32[at + PARAM.topP] = p.topP;
    f32[at + PARAM.minP] = p.minP;
    words[at + PARAM.seedLo] = seedLo;
    words[at + PARAM.seedHi] = seedHi;
    words[at + PARAM.step] = p.step;
    words[at + PARAM.numLogprobs] = p.numLogprobs;
    f32[at + PARAM.repetitionPenalty] = p.repetitionPenalty;
    f32[at + PARAM.presencePenalty] = p.presencePenalty;
    f32[at + PARAM.frequencyPenalty] = p.frequencyPenalty;
    words[at + PARAM.historyStart] = start;
    words[at + PARAM.numPromptTokens] = h.numPromptTokens;
    words[at + PARAM.numOutputTokens] = h.tokens.length - h.numPromptTokens;
    for (let i = 0; i < h.tokens.length; i++) history[start + i] = h.tokens[i] as number;
    start += h.tokens.length;
    // Logit-bias pairs follow the tokens: the token id, then the bias as f32 bits.
    const bias = p.logitBias ?? [];
    words[at + PARAM.numBias] = bias.length;
    for (const [token, value] of bias) {
      history[start] = token;
      historyF32[start + 1] = value;
      start += 2;
    }
    // The mask's words follow (Int32 words keep their bits as they are copied in).
    words[at + PARAM.hasMask] = p.tokenMask === undefined ? 0 : 1;
    if (p.tokenMask !== undefined) {
      const n = tokenMaskWords(vocab);
      history.set(p.tokenMask.subarray(0, n), start);
      start += n;
    }
  });
  return { params: words, history };
}

/** History-buffer words one sequence takes: its tokens, 2 per logit-bias pair, its mask's words. */
export function historyWords(params: SamplingParams, history: TokenHistory, vocab: number): number {
  const mask = params.tokenMask === undefined ? 0 : tokenMaskWords(vocab);
  return history.tokens.length + 2 * (params.logitBias?.length ?? 0) + mask;
}
