import type { CompletionLogprobs } from "./logprobs.js";
import type { VllmPromptLogprobs } from "./prompt-logprobs.js";
import type { ChunkUsage, OpenAIUsage, ResponseHead } from "./usage.js";

/** OpenAI's finish reasons the server answers with. */
export type FinishReason = "stop" | "length";

/** One choice of a completion (or of one chunk). */
export interface CompletionChoice {
  index: number;
  text: string;
  logprobs: CompletionLogprobs | null;
  finish_reason: FinishReason | null;
  /** vLLM's: the stop string or stop token id that ended the choice; `null` for EOS or a length cut. */
  stop_reason: string | number | null;
  /** vLLM's, with `prompt_logprobs`: on the choice, and on its first chunk when streamed. */
  prompt_logprobs?: VllmPromptLogprobs;
}

/** The `text_completion` object of a non-streamed `/v1/completions` answer. */
export function completionBody(head: ResponseHead, choices: CompletionChoice[], usage: OpenAIUsage) {
  return { ...head, object: "text_completion" as const, choices, usage };
}

/**
 * One streamed completion chunk. With `include_usage`, every chunk has `usage: null` (or, with
 * vLLM's `continuous_usage_stats`, the usage so far) and a last one (see
 * {@link completionUsageChunk}) has the usage and no choices, as OpenAI sends them.
 */
export function completionChunk(head: ResponseHead, choice: CompletionChoice, usage: ChunkUsage) {
  return {
    ...head,
    object: "text_completion" as const,
    choices: [choice],
    ...(usage !== undefined && { usage }),
  };
}

/** The closing usage chunk of a stream with `stream_options.include_usage`. */
export function completionUsageChunk(head: ResponseHead, usage: OpenAIUsage) {
  return { ...head, object: "text_completion" as const, choices: [], usage };
}
