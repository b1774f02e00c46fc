import type { ToolCall } from "../tools/tool-call.js";
import type { FinishReason } from "./completion-format.js";
import type { ChatTokenLogprob } from "./logprobs.js";
import type { VllmPromptLogprobs } from "./prompt-logprobs.js";
import type { ChunkUsage, OpenAIUsage, ResponseHead } from "./usage.js";

/** Chat logprobs of a choice or chunk. */
export type ChatLogprobs = { content: ChatTokenLogprob[] } | null;

/** One choice of a non-streamed chat answer. */
export interface ChatChoice {
  index: number;
  /** With tool calls, `content` is the text outside them (`null` when none is left). */
  message: { role: "assistant"; content: string | null; tool_calls?: ToolCall[] };
  logprobs: ChatLogprobs;
  finish_reason: FinishReason | "tool_calls";
  /** vLLM's: the stop string or stop token id that ended the choice; `null` for EOS or a length cut. */
  stop_reason: string | number | null;
}

/**
 * A streamed piece of a tool call, as OpenAI and vLLM send them: the first piece of call `index`
 * has its id, type and name with `arguments: ""`; later pieces only add to `arguments`.
 */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function: { name?: string; arguments: string };
}

/** What a chunk adds to a choice: the role first, then content or tool calls. */
export type ChatDelta =
  | { role: "assistant"; content: string }
  | { content: string }
  | { tool_calls: ToolCallDelta[] }
  | Record<string, never>;

/**
 * The `chat.completion` object of a non-streamed answer; vLLM's `prompt_logprobs`, when asked
 * for, is a field of the response (not of a choice).
 */
export function chatBody(
  head: ResponseHead,
  choices: ChatChoice[],
  usage: OpenAIUsage,
  promptLogprobs?: VllmPromptLogprobs,
) {
  return {
    ...head,
    object: "chat.completion" as const,
    choices,
    usage,
    ...(promptLogprobs !== undefined && { prompt_logprobs: promptLogprobs }),
  };
}

/** One choice of a `chat.completion.chunk`. */
export interface ChatChunkChoice {
  index: number;
  delta: ChatDelta;
  logprobs: ChatLogprobs;
  finish_reason: FinishReason | "tool_calls" | null;
  stop_reason: string | number | null;
}

/**
 * One `chat.completion.chunk` for one choice: `usage: null` when the stream will end with usage,
 * the usage so far with vLLM's `continuous_usage_stats`; the first chunk carries vLLM's
 * `prompt_logprobs` when they were asked for.
 */
export function chatChunk(
  head: ResponseHead,
  choice: ChatChunkChoice,
  usage: ChunkUsage,
  promptLogprobs?: VllmPromptLogprobs,
) {
  return {
    ...head,
    object: "chat.completion.chunk" as const,
    choices: [choice],
    ...(usage !== undefined && { usage }),
    ...(promptLogprobs !== undefined && { prompt_logprobs: promptLogprobs }),
  };
}

/** The closing usage chunk of a chat stream with `stream_options.include_usage`. */
export function chatUsageChunk(head: ResponseHead, usage: OpenAIUsage) {
  return { ...head, object: "chat.completion.chunk" as const, choices: [], usage };
}
