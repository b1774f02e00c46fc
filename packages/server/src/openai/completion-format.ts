import type { CompletionLogprobs } from "./logprobs.js";
import type { OpenAIUsage, ResponseHead } from "./usage.js";

/** OpenAI's finish reasons the server answers with. */
export type FinishReason = "stop" | "length";

/** One choice of a completion (or of one chunk). */
export interface CompletionChoice {
  index: number;
  text: string;
  logprobs: CompletionLogprobs | null;
  finish_reason: FinishReason | null;
}

/** The `text_completion` object of a non-streamed `/v1/completions` answer. */
export function completionBody(head: ResponseHead, choices: CompletionChoice[], usage: OpenAIUsage) {
  return { ...head, object: "text_completion" as const, choices, usage };
}

/**
 * One streamed completion chunk. With `include_usage`, every chunk has `usage: null` and a last
 * one (see {@link completionUsageChunk}) has the usage and no choices, as OpenAI sends them.
 */
export function completionChunk(head: ResponseHead, choice: CompletionChoice, includeUsage: boolean) {
  return {
    ...head,
    object: "text_completion" as const,
    choices: [choice],
    ...(includeUsage && { usage: null }),
  };
}

/** The closing usage chunk of a stream with `stream_options.include_usage`. */
export function completionUsageChunk(head: ResponseHead, usage: OpenAIUsage) {
  return { ...head, object: "text_completion" as const, choices: [], usage };
}
