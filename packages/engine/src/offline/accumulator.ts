import type { PagodaError } from "@pagoda/errors";
import type { TokenLogprobs } from "@pagoda/scheduler";
import type { EngineFinishReason, PromptLogprobs, RequestOutput, Usage } from "../core/types.js";
import { EngineError } from "../errors.js";

/** One finished sample of a completion: every step's output of it, joined. */
export interface SampleResult {
  /** Its place among the request's `n` samples. */
  index: number;
  text: string;
  tokenIds: number[];
  /** Per generated token, when `logprobs` was asked for; else `null`. */
  logprobs: TokenLogprobs[] | null;
  finishReason: EngineFinishReason;
  stopReason: string | number | null;
  error?: PagodaError;
}

/**
 * One finished completion. The top-level text, tokens and reasons are sample 0's (all there is
 * when `n` is 1); `samples` holds all `n` in index order; `usage` counts the prompt once and
 * every sample's tokens (OpenAI's `usage` for `n > 1`).
 */
export interface CompletionResult extends SampleResult {
  requestId: string;
  usage: Usage;
  samples: SampleResult[];
  /** vLLM's `prompt_logprobs` when asked for (`null` at the first token), else `null`. */
  promptLogprobs: PromptLogprobs | null;
}

interface Partial {
  text: string;
  tokenIds: number[];
  logprobs: TokenLogprobs[] | null;
  done: SampleResult | null;
}

/** Joins streamed {@link RequestOutput}s into {@link CompletionResult}s. */
export class OutputAccumulator {
  private readonly running = new Map<string, Partial[]>();
  private readonly prompts = new Map<string, PromptLogprobs>();
  /** Finished results by request id. */
  readonly done = new Map<string, CompletionResult>();

  /** Adds one output; returns the request's result when this output finished it (every sample). */
  add(o: RequestOutput): CompletionResult | null {
    const samples = this.running.get(o.requestId) ?? [];
    this.running.set(o.requestId, samples);
    const acc = samples[o.index] ?? { text: "", tokenIds: [], logprobs: null, done: null };
    samples[o.index] = acc;
    acc.text += o.text;
    acc.tokenIds.push(...o.tokenIds);
    if (o.promptLogprobs !== undefined) this.prompts.set(o.requestId, o.promptLogprobs);
    if (o.logprobs !== null) acc.logprobs = [...(acc.logprobs ?? []), ...o.logprobs];
    if (o.finishReason !== null) {
      const { text, tokenIds, logprobs } = acc;
      acc.done = {
        index: o.index,
        text,
        tokenIds,
        logprobs,
        finishReason: o.finishReason,
        stopReason: o.stopReason,
      };
      if (o.error !== undefined) acc.done.error = o.error;
    }
    if (!o.finished) return null;
    this.running.delete(o.requestId);
    const promptLogprobs = this.prompts.get(o.requestId) ?? null;
    this.prompts.delete(o.requestId);
    const results = Array.from(samples, (s, i) => {
      if (s?.done == null) {
        throw new EngineError("engine.lost_request", `sample ${i} of '${o.requestId}' ended without output`);
      }
      return s.done;
    });
    const result: CompletionResult = {
      ...(results[0] as SampleResult),
      requestId: o.requestId,
      usage: o.usage,
      samples: results,
      promptLogprobs,
    };
    this.done.set(o.requestId, result);
    return result;
  }
}
