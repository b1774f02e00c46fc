import type { SamplingParams } from "@pagoda/scheduler";
import type { GuidedSpec } from "../structured/guided-spec.js";

/**
 * Sampling parameters after validation and defaulting: what the engine keeps per request.
 * `sampling` goes to the scheduler unchanged; the rest is the engine's own business (the
 * executor never sees stop strings, `n` or the policy's targets).
 */
export interface ParsedSamplingParams {
  /** The executor-facing part, in the scheduler contract's shape. */
  sampling: SamplingParams;
  /** Parallel samples that share the prompt's blocks. */
  n: number;
  /** Stop strings, matched on the detokenized text; `[]` = none. */
  stop: string[];
  /** For the `priority` policy: lower is served first; 0 by default. */
  priority: number;
  /** Time-to-first-token target for the `slo` policy; `null` = none. */
  ttftTargetMs: number | null;
  /** Time-per-output-token target for the `slo` policy; `null` = none. */
  tpotTargetMs: number | null;
  /** vLLM's `min_tokens`: no EOS, stop token or stop string ends a sample before this many tokens. */
  minTokens: number;
  /** vLLM's `include_stop_str_in_output`: the stop string that ended a sample is part of its text. */
  includeStopStrInOutput: boolean;
  /** Special tokens (BOS, EOS, chat markers) are left out of the text; vLLM's default `true`. */
  skipSpecialTokens: boolean;
  /** For the `fair` policy: who is billed for the tokens; `null` = the scheduler's `"default"`. */
  tenant: string | null;
  /** vLLM's `cache_salt`: prefix-cache hits only between requests with the same salt; `null` = none. */
  cacheSalt: string | null;
  /** What the output must match (guided_json / _regex / _choice / _grammar); `null` = free text. */
  guided: GuidedSpec | null;
}

/** What the engine knows about the request and the model when it checks the parameters. */
export interface ParseSamplingOptions {
  /** The model's context length in tokens (prompt and output together). */
  maxModelLen: number;
  /** Tokens in the prompt after tokenization. */
  numPromptTokens: number;
  /**
   * `max_tokens` when the request gives none (default 16, OpenAI's completions default). It is
   * capped to the room left in the context; a `max_tokens` the caller did give is never capped.
   */
  defaultMaxTokens?: number;
  /** When given, `stop_token_ids` must be below it. */
  vocabSize?: number;
  /**
   * Values for fields the request leaves out (the model's `generation_config.json`, see
   * `generationDefaults`); the request's own values always win.
   */
  defaults?: SamplingDefaults;
}

/** Default values of the sampling fields a model may set (vLLM reads them from `generation_config.json`). */
export type SamplingDefaults = Readonly<
  Partial<Record<"temperature" | "top_p" | "top_k" | "min_p" | "repetition_penalty" | "max_tokens", number>>
>;
