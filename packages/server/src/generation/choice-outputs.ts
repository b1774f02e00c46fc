import type { RequestOutput } from "@pagoda/engine";
import { HttpError } from "../errors/http-error.js";
import type { FinishReason } from "../openai/completion-format.js";
import type { AbortReason } from "../state/server-state.js";
import type { Generation } from "./generation.js";

/** An engine output placed in its OpenAI choice. */
export interface ChoiceOutput {
  /** `promptIndex * n + sampleIndex`, OpenAI's (and vLLM's) order for a batch with `n` samples. */
  index: number;
  output: RequestOutput;
  finishReason: FinishReason | null;
}

/** The error a generation cut short answers with. */
export function abortedError(reason: AbortReason | null): HttpError {
  if (reason === "shutdown") {
    return new HttpError("server.draining", "the server shut down before the request finished");
  }
  return new HttpError("request.cancelled", "the request was cancelled before it finished");
}

/**
 * The outputs of a generation in OpenAI's terms. An engine failure is thrown as its (internal)
 * error and an aborted request as {@link abortedError}, so both end up in `toHttpError`.
 */
export async function* choiceOutputs(gen: Generation, n: number): AsyncGenerator<ChoiceOutput> {
  for await (const { promptIndex, output } of gen) {
    const reason = output.finishReason;
    if (reason === "error") {
      throw output.error ?? new Error(`engine request ${output.requestId} failed without an error`);
    }
    if (reason === "abort") throw abortedError(gen.abortedBy);
    yield { index: promptIndex * n + output.index, output, finishReason: reason };
  }
}

/** `n` of a request as the engine will read it (it has already validated the value). */
export function samplesPerPrompt(sampling: Readonly<Record<string, unknown>>): number {
  return typeof sampling.n === "number" ? sampling.n : 1;
}
