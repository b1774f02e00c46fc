import type { Logger } from "pino";
import { answerError } from "../app/answer-error.js";
import { type ChoiceOutput, choiceOutputs } from "../generation/choice-outputs.js";
import type { Generation } from "../generation/generation.js";
import {
  type ChatChoice,
  type ChatDelta,
  type ChatLogprobs,
  chatBody,
  chatChunk,
  chatUsageChunk,
} from "../openai/chat-format.js";
import type { UsageOptions } from "../openai/common-fields.js";
import { chatLogprobs, type TokenSpelling } from "../openai/logprobs.js";
import { type VllmPromptLogprobs, vllmPromptLogprobs } from "../openai/prompt-logprobs.js";
import { chunkUsage, type ResponseHead, toUsage } from "../openai/usage.js";

/** How a chat answer's choices are laid out. */
export interface ChatLayout {
  head: ResponseHead;
  /** Choices (`n`). */
  n: number;
  /** How log-probability tokens are spelled. */
  spelling: TokenSpelling;
  /** vLLM's `prompt_logprobs: k`, or `null`. */
  promptLogprobs: number | null;
}

// vLLM's `prompt_logprobs` from the first output that carries them (every sample's first does).
function promptField(l: ChatLayout, output: ChoiceOutput["output"]): VllmPromptLogprobs | undefined {
  if (l.promptLogprobs === null || output.promptLogprobs === undefined) return undefined;
  return vllmPromptLogprobs(l.spelling, output.promptLogprobs, l.promptLogprobs);
}

/** Runs a chat completion to its end: the non-streamed `chat.completion` body. */
export async function collectChat(gen: Generation, l: ChatLayout) {
  const choices = Array.from({ length: l.n }, (_, index) => ({
    index,
    text: "",
    logprobs: null as ChatLogprobs,
    finish: null as ChatChoice["finish_reason"] | null,
    stopReason: null as string | number | null,
  }));
  let prompt: VllmPromptLogprobs | undefined;
  for await (const { index, output, finishReason } of choiceOutputs(gen, l.n)) {
    prompt ??= promptField(l, output);
    const c = choices[index];
    if (c === undefined) throw new Error(`engine output for choice ${index} of ${choices.length}`);
    c.text += output.text;
    if (output.logprobs !== null) {
      const more = chatLogprobs(l.spelling, output.logprobs).content;
      c.logprobs = { content: [...(c.logprobs?.content ?? []), ...more] };
    }
    if (finishReason !== null) {
      c.finish = finishReason;
      c.stopReason = output.stopReason;
    }
  }
  const out: ChatChoice[] = choices.map((c) => ({
    index: c.index,
    message: { role: "assistant", content: c.text },
    logprobs: c.logprobs,
    finish_reason: c.finish ?? "stop",
    stop_reason: c.stopReason,
  }));
  return chatBody(l.head, out, toUsage(gen.usage()), prompt);
}

/**
 * The chunks of a streamed chat answer: a first chunk per choice with the role, then one per
 * output that adds content, tokens or a finish reason (the finish reason rides on the last
 * content), then (with `include_usage`) the usage; a failure becomes an error event. With
 * `prompt_logprobs`, the role chunks wait for the engine's first output and the first carries them.
 */
export async function* streamChat(
  gen: Generation,
  l: ChatLayout,
  o: UsageOptions & { requestId: string; logger: Logger },
): AsyncGenerator<unknown> {
  const usage = () => chunkUsage(o, () => gen.usage());
  const roles = function* (prompt?: VllmPromptLogprobs) {
    for (let index = 0; index < l.n; index++) {
      const delta = { role: "assistant" as const, content: "" };
      const choice = { index, delta, logprobs: null, finish_reason: null, stop_reason: null };
      yield chatChunk(l.head, choice, usage(), index === 0 ? prompt : undefined);
    }
  };
  let rolesSent = l.promptLogprobs === null;
  try {
    if (rolesSent) yield* roles();
    for await (const { index, output, finishReason } of choiceOutputs(gen, l.n)) {
      if (!rolesSent) {
        rolesSent = true;
        yield* roles(promptField(l, output));
      }
      const hasLogprobs = output.logprobs !== null && output.logprobs.length > 0;
      if (output.text === "" && finishReason === null && !hasLogprobs) continue;
      const logprobs = output.logprobs === null ? null : chatLogprobs(l.spelling, output.logprobs);
      const delta: ChatDelta = output.text === "" && finishReason !== null ? {} : { content: output.text };
      const stopReason = finishReason === null ? null : output.stopReason;
      const choice = { index, delta, logprobs, finish_reason: finishReason, stop_reason: stopReason };
      yield chatChunk(l.head, choice, usage());
    }
    if (o.includeUsage) yield chatUsageChunk(l.head, toUsage(gen.usage()));
  } catch (err) {
    yield answerError(err, o.requestId, o.logger).body;
  }
}
