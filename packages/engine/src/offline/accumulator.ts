import type { PagodaError } from "@pagoda/errors";
import type { TokenLogprobs } from "@pagoda/scheduler";
import type { EngineFinishReason, RequestOutput, Usage } from "../core/types.js";

/** One finished completion: every step's output of a request, joined. */
export interface CompletionResult {
  requestId: string;
  text: string;
  tokenIds: number[];
  /** Per generated token, when `logprobs` was asked for; else `null`. */
  logprobs: TokenLogprobs[] | null;
  finishReason: EngineFinishReason;
  stopReason: string | number | null;
  usage: Usage;
  error?: PagodaError;
}

interface Partial {
  text: string;
  tokenIds: number[];
  logprobs: TokenLogprobs[] | null;
}

/** Joins streamed {@link RequestOutput}s into {@link CompletionResult}s. */
export class OutputAccumulator {
  private readonly running = new Map<string, Partial>();
  /** Finished results by request id. */
  readonly done = new Map<string, CompletionResult>();

  /** Adds one output; returns the request's result when this output finished it. */
  add(o: RequestOutput): CompletionResult | null {
    const acc = this.running.get(o.requestId) ?? { text: "", tokenIds: [], logprobs: null };
    acc.text += o.text;
    acc.tokenIds.push(...o.tokenIds);
    if (o.logprobs !== null) acc.logprobs = [...(acc.logprobs ?? []), ...o.logprobs];
    if (o.finishReason === null) {
      this.running.set(o.requestId, acc);
      return null;
    }
    this.running.delete(o.requestId);
    const result: CompletionResult = {
      requestId: o.requestId,
      ...acc,
      finishReason: o.finishReason,
      stopReason: o.stopReason,
      usage: o.usage,
      ...(o.error !== undefined && { error: o.error }),
    };
    this.done.set(o.requestId, result);
    return result;
  }
}
