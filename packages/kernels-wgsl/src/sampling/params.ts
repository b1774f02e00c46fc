import { SamplingError } from "./sampling-error.js";
import { checkTokenMask } from "./token-mask.js";

/** Most top log-probabilities a sequence may ask for (vLLM's default cap). */
export const MAX_LOGPROBS = 20;

/**
 * How one sequence's next token is chosen. Rules and their order are in the package README
 * ("Sampling"); the defaults below leave every filter and penalty off.
 */
export interface SamplingParams {
  /** 0 = greedy (argmax, ties → lowest id); otherwise the penalized logits are divided by it. */
  readonly temperature: number;
  /** Keep the tokens whose scaled logit is ≥ the k-th largest; ≤ 0 (or ≥ vocab) = off. */
  readonly topK: number;
  /** Keep the smallest top set whose probability reaches p (ties kept together); 1 = off. */
  readonly topP: number;
  /** Keep tokens with probability ≥ minP × the largest probability; 0 = off. */
  readonly minP: number;
  /** Philox key, an integer in [0, 2^53). */
  readonly seed: number;
  /** Philox counter: the output index of the token being sampled (0 for the first), < 2^32. */
  readonly step: number;
  /** Over prompt and output tokens: logit > 0 → logit / p, else logit × p; 1 = off. */
  readonly repetitionPenalty: number;
  /** Over output tokens: logit −= presencePenalty once a token appeared; 0 = off. */
  readonly presencePenalty: number;
  /** Over output tokens: logit −= frequencyPenalty × its count; 0 = off. */
  readonly frequencyPenalty: number;
  /** Top log-probabilities of the raw distribution to return, 0 to 20. */
  readonly numLogprobs: number;
  /**
   * OpenAI's `logit_bias`: `[tokenId, bias]` pairs (distinct ids) added to the penalized logits
   * before the temperature; absent or empty = none. Log-probabilities stay those of the raw logits.
   */
  readonly logitBias?: ReadonlyArray<readonly [number, number]>;
  /**
   * A grammar's packed token mask (xgrammar's layout: token t allowed when bit `t & 31` of word
   * `t >> 5` is set; `ceil(vocab / 32)` words). Applied before anything else: a banned token's
   * logit is -1e30 for the penalties, the bias, the filters and the log-probabilities alike.
   */
  readonly tokenMask?: Int32Array | Uint32Array;
}

/** The tokens penalties look at: prompt tokens then output tokens, in one list. */
export interface TokenHistory {
  readonly tokens: ArrayLike<number>;
  readonly numPromptTokens: number;
}

/** Parameters with every filter and penalty off: plain sampling at temperature 1, seed 0. */
export const DEFAULT_SAMPLING_PARAMS: SamplingParams = {
  temperature: 1,
  topK: 0,
  topP: 1,
  minP: 0,
  seed: 0,
  step: 0,
  repetitionPenalty: 1,
  presencePenalty: 0,
  frequencyPenalty: 0,
  numLogprobs: 0,
};

/** {@link DEFAULT_SAMPLING_PARAMS} with `overrides` applied. */
export function samplingParams(overrides: Partial<SamplingParams> = {}): SamplingParams {
  return { ...DEFAULT_SAMPLING_PARAMS, ...overrides };
}

/** An empty history: no prompt, no output (penalties then change nothing). */
export const NO_HISTORY: TokenHistory = { tokens: [], numPromptTokens: 0 };

function check(ok: boolean, field: string, value: unknown, rule: string): void {
  if (!ok) {
    throw new SamplingError("sampling.bad_param", `${field} = ${String(value)}: ${rule}`, {
      details: { field, value },
    });
  }
}

const isInt = Number.isInteger;

/** Throws {@link SamplingError} unless `params` and `history` are usable with `vocab` tokens. */
export function validateSampling(params: SamplingParams, history: TokenHistory, vocab: number): void {
  const p = params;
  check(Number.isFinite(p.temperature) && p.temperature >= 0, "temperature", p.temperature, "must be ≥ 0");
  check(isInt(p.topK) && Math.abs(p.topK) < 2 ** 31, "topK", p.topK, "must be a 32-bit integer");
  check(p.topP > 0 && p.topP <= 1, "topP", p.topP, "must be in (0, 1]");
  check(p.minP >= 0 && p.minP <= 1, "minP", p.minP, "must be in [0, 1]");
  check(isInt(p.seed) && p.seed >= 0 && p.seed < 2 ** 53, "seed", p.seed, "must be an integer in [0, 2^53)");
  check(isInt(p.step) && p.step >= 0 && p.step < 2 ** 32, "step", p.step, "must be an integer in [0, 2^32)");
  check(
    Number.isFinite(p.repetitionPenalty) && p.repetitionPenalty > 0,
    "repetitionPenalty",
    p.repetitionPenalty,
    "must be > 0",
  );
  check(Number.isFinite(p.presencePenalty), "presencePenalty", p.presencePenalty, "must be finite");
  check(Number.isFinite(p.frequencyPenalty), "frequencyPenalty", p.frequencyPenalty, "must be finite");
  check(
    isInt(p.numLogprobs) && p.numLogprobs >= 0 && p.numLogprobs <= MAX_LOGPROBS,
    "numLogprobs",
    p.numLogprobs,
    `must be an integer in [0, ${MAX_LOGPROBS}]`,
  );
  const seenBias = new Set<number>();
  for (const [i, [token, bias]] of (p.logitBias ?? []).entries()) {
    check(isInt(token) && token >= 0 && token < vocab, `logitBias[${i}]`, token, `not a token id < ${vocab}`);
    check(!seenBias.has(token), `logitBias[${i}]`, token, "token id given twice");
    check(Number.isFinite(bias), `logitBias[${i}]`, bias, "bias must be finite");
    seenBias.add(token);
  }
  if (p.tokenMask !== undefined) checkTokenMask(p.tokenMask, vocab);
  const { tokens, numPromptTokens } = history;
  check(
    isInt(numPromptTokens) && numPromptTokens >= 0 && numPromptTokens <= tokens.length,
    "numPromptTokens",
    numPromptTokens,
    `must be an integer in [0, ${tokens.length}]`,
  );
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    check(
      isInt(t) && (t as number) >= 0 && (t as number) < vocab,
      `tokens[${i}]`,
      t,
      `not a token id < ${vocab}`,
    );
  }
}
