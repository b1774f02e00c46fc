import type { PagodaError } from "@pagoda/errors";
import type { TokenLogprobs } from "@pagoda/scheduler";

/** Why a request ended: the scheduler's three reasons, plus `error` when its step failed. */
export type EngineFinishReason = "stop" | "length" | "abort" | "error";

/** A prompt as text (tokenized with the model's BOS) or as token ids (used as given). */
export type PromptInput = string | readonly number[];

/** Per prompt token: its log-probability, rank and top alternatives; `null` for the first token. */
export type PromptLogprobs = Array<TokenLogprobs | null>;

/** Token counts of one request so far, OpenAI's `usage`. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * What one sample of a request got from one engine step (or from its abort / failure). A request
 * with `n` samples gives one output per sample that changed; its last output has `finished`.
 */
export interface RequestOutput {
  requestId: string;
  /** Which of the request's `n` samples this output belongs to (0 to n − 1); 0 when `n` is 1. */
  index: number;
  /** Text that became final this step; never part of a stop string, never the EOS token's text. */
  text: string;
  /** Tokens generated this step; a stopping EOS / stop token is included as the last id. */
  tokenIds: number[];
  /** Log-probabilities of `tokenIds` when the request asked for them. */
  logprobs: TokenLogprobs[] | null;
  /**
   * vLLM's `prompt_logprobs`, on each sample's first output once the whole prompt is scored:
   * one entry per prompt token, `null` for the first (nothing precedes it).
   */
  promptLogprobs?: PromptLogprobs;
  /** `null` while this sample goes on. */
  finishReason: EngineFinishReason | null;
  /** The stop string or stop token id that ended this sample, else `null`. */
  stopReason: string | number | null;
  /** True on the request's last output: every sample has finished. */
  finished: boolean;
  /** The whole request's so far: the prompt once plus every sample's output tokens. */
  usage: Usage;
  /** Set with `finishReason: "error"`: why the step failed. */
  error?: PagodaError;
}
