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
  type ToolCallDelta,
} from "../openai/chat-format.js";
import type { UsageOptions } from "../openai/common-fields.js";
import { chatLogprobs, type TokenSpelling } from "../openai/logprobs.js";
import { type VllmPromptLogprobs, vllmPromptLogprobs } from "../openai/prompt-logprobs.js";
import { chunkUsage, type ResponseHead, toUsage } from "../openai/usage.js";
import type { ChatTools } from "../tools/chat-tools.js";
import { ToolCallStream } from "../tools/tool-stream.js";

/** How a chat answer's choices are laid out. */
export interface ChatLayout {
  head: ResponseHead;
  /** Choices (`n`). */
  n: number;
  /** How log-probability tokens are spelled. */
  spelling: TokenSpelling;
  /** vLLM's `prompt_logprobs: k`, or `null`. */
  promptLogprobs: number | null;
  /** Set when the request has tools: the output is read for calls with this parser. */
  tools?: ChatTools;
}

// A choice that made calls finishes with "tool_calls" unless it was cut (then the calls are incomplete).
function finishWithCalls(finish: ChatChoice["finish_reason"], calls: number): ChatChoice["finish_reason"] {
  return calls > 0 && finish === "stop" ? "tool_calls" : finish;
}

function choiceMessage(l: ChatLayout, text: string, finish: ChatChoice["finish_reason"]) {
  if (l.tools === undefined) return { message: { role: "assistant" as const, content: text }, finish };
  const parsed = l.tools.parse(text, l.tools.newId);
  if (parsed.toolCalls.length === 0)
    return { message: { role: "assistant" as const, content: text }, finish };
  const message = { role: "assistant" as const, content: parsed.content, tool_calls: parsed.toolCalls };
  return { message, finish: finishWithCalls(finish, parsed.toolCalls.length) };
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
  const out: ChatChoice[] = choices.map((c) => {
    const { message, finish } = choiceMessage(l, c.text, c.finish ?? "stop");
    return {
      index: c.index,
      message,
      logprobs: c.logprobs,
      finish_reason: finish,
      stop_reason: c.stopReason,
    };
  });
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
  const tools = l.tools;
  const splitters = Array.from({ length: l.n }, () =>
    tools === undefined ? null : new ToolCallStream(tools),
  );
  try {
    if (rolesSent) yield* roles();
    for await (const { index, output, finishReason } of choiceOutputs(gen, l.n)) {
      if (!rolesSent) {
        rolesSent = true;
        yield* roles(promptField(l, output));
      }
      const split = splitters[index] ?? null;
      let text = output.text;
      let calls: ToolCallDelta[] = [];
      let finish: ChatChoice["finish_reason"] | null = finishReason;
      if (split !== null) {
        ({ content: text, toolCalls: calls } = split.push(output.text));
        if (finishReason !== null) {
          const end = split.finish();
          text += end.content;
          calls = [...calls, ...end.toolCalls];
          finish = finishWithCalls(finishReason, end.numCalls);
        }
      }
      // Content (with the tokens' logprobs) first, then each tool-call piece in its own chunk;
      // the finish reason rides on the last one.
      const hasLogprobs = output.logprobs !== null && output.logprobs.length > 0;
      const deltas: ChatDelta[] = text !== "" || hasLogprobs ? [{ content: text }] : [];
      for (const call of calls) deltas.push({ tool_calls: [call] });
      if (deltas.length === 0) {
        if (finishReason === null) continue;
        deltas.push({});
      }
      const logprobs = output.logprobs === null ? null : chatLogprobs(l.spelling, output.logprobs);
      for (const [i, delta] of deltas.entries()) {
        const last = i === deltas.length - 1;
        const choice = {
          index,
          delta,
          logprobs: i === 0 ? logprobs : null,
          finish_reason: last ? finish : null,
          stop_reason: last && finishReason !== null ? output.stopReason : null,
        };
        yield chatChunk(l.head, choice, usage());
      }
    }
    if (o.includeUsage) yield chatUsageChunk(l.head, toUsage(gen.usage()));
  } catch (err) {
    yield answerError(err, o.requestId, o.logger).body;
  }
}
