import type { Logger } from "pino";
import { answerError } from "../app/answer-error.js";
import { type ChoiceOutput, choiceOutputs } from "../generation/choice-outputs.js";
import type { Generation } from "../generation/generation.js";
import type { UsageOptions } from "../openai/common-fields.js";
import {
  type CompletionChoice,
  completionBody,
  completionChunk,
  completionUsageChunk,
} from "../openai/completion-format.js";
import {
  type CompletionLogprobs,
  CompletionLogprobsBuilder,
  type TokenSpelling,
} from "../openai/logprobs.js";
import {
  echoedPromptLogprobs,
  type VllmPromptLogprobs,
  vllmPromptLogprobs,
} from "../openai/prompt-logprobs.js";
import { chunkUsage, type ResponseHead, toUsage } from "../openai/usage.js";

/** How a completion's choices are laid out. */
export interface CompletionLayout {
  head: ResponseHead;
  /** Samples per prompt. */
  n: number;
  /** Text to put before each prompt's choices (`echo`), or `null`. */
  echo: string[] | null;
  numPrompts: number;
  /** How log-probability tokens are spelled. */
  spelling: TokenSpelling;
  /** What each choice's first output adds from the prompt's log-probabilities; `null` when nothing. */
  prompt: PromptScores | null;
}

/** The prompt log-probabilities a completion answers with. */
export interface PromptScores {
  /** vLLM's `prompt_logprobs: k` on each choice, or `null`. */
  vllm: number | null;
  /** OpenAI's `echo` with `logprobs: k`: the prompt's tokens lead the choice's logprobs; or `null`. */
  echo: number | null;
  /** Each prompt's token ids. */
  promptIds: number[][];
}

/**
 * The prompt part of a choice, from its first output that carries prompt log-probabilities:
 * vLLM's `prompt_logprobs` and, with `echo`, the echoed prompt's logprobs.
 */
function promptPart(
  l: CompletionLayout,
  index: number,
  output: ChoiceOutput["output"],
): { prompt_logprobs?: VllmPromptLogprobs; echoed: CompletionLogprobs | null } {
  const entries = output.promptLogprobs;
  if (l.prompt === null || entries === undefined) return { echoed: null };
  const { vllm, echo, promptIds } = l.prompt;
  const ids = promptIds[Math.floor(index / l.n)] ?? [];
  return {
    ...(vllm !== null && { prompt_logprobs: vllmPromptLogprobs(l.spelling, entries, vllm) }),
    echoed: echo === null ? null : echoedPromptLogprobs(l.spelling, entries, ids, echo),
  };
}

function builders(l: CompletionLayout): CompletionLogprobsBuilder[] {
  return Array.from(
    { length: l.numPrompts * l.n },
    (_, i) => new CompletionLogprobsBuilder(l.spelling, l.echo?.[Math.floor(i / l.n)]?.length ?? 0),
  );
}

/** Runs a completion to its end: the non-streamed `text_completion` body. */
export async function collectCompletion(gen: Generation, l: CompletionLayout) {
  const lp = builders(l);
  const choices: CompletionChoice[] = lp.map((_, index) => ({
    index,
    text: l.echo?.[Math.floor(index / l.n)] ?? "",
    logprobs: null,
    finish_reason: null,
    stop_reason: null,
  }));
  for await (const { index, output, finishReason } of choiceOutputs(gen, l.n)) {
    const choice = choices[index];
    if (choice === undefined) throw new Error(`engine output for choice ${index} of ${choices.length}`);
    const { prompt_logprobs, echoed } = promptPart(l, index, output);
    if (prompt_logprobs !== undefined) choice.prompt_logprobs = prompt_logprobs;
    if (echoed !== null) choice.logprobs = append(echoed, choice.logprobs ?? undefined);
    choice.text += output.text;
    if (output.logprobs !== null) choice.logprobs = append(choice.logprobs, lp[index]?.next(output.logprobs));
    if (finishReason !== null) {
      choice.finish_reason = finishReason;
      choice.stop_reason = output.stopReason;
    }
  }
  return completionBody(l.head, choices, toUsage(gen.usage()));
}

function append(a: CompletionLogprobs | null, b: CompletionLogprobs | undefined): CompletionLogprobs | null {
  if (b === undefined) return a;
  if (a === null) return b;
  return {
    tokens: [...a.tokens, ...b.tokens],
    token_logprobs: [...a.token_logprobs, ...b.token_logprobs],
    top_logprobs: [...a.top_logprobs, ...b.top_logprobs],
    text_offset: [...a.text_offset, ...b.text_offset],
  };
}

/**
 * The chunks of a streamed completion: the echoed prompts first, then one chunk per output that
 * adds text, tokens or a finish reason, then (with `include_usage`) the usage; a failure becomes
 * an error event. With prompt log-probabilities, a choice's first chunk waits for its first output
 * and carries them (vLLM's `prompt_logprobs`; with `echo`, the prompt text and its logprobs).
 */
export async function* streamCompletion(
  gen: Generation,
  l: CompletionLayout,
  o: UsageOptions & { requestId: string; logger: Logger },
): AsyncGenerator<unknown> {
  const lp = builders(l);
  const chunk = (c: CompletionChoice) =>
    completionChunk(
      l.head,
      c,
      chunkUsage(o, () => gen.usage()),
    );
  try {
    if (l.echo !== null && l.prompt === null) {
      for (let index = 0; index < lp.length; index++) {
        const text = l.echo[Math.floor(index / l.n)] ?? "";
        yield chunk({ index, text, logprobs: null, finish_reason: null, stop_reason: null });
      }
    }
    for await (const { index, output, finishReason } of choiceOutputs(gen, l.n)) {
      const hasLogprobs = output.logprobs !== null && output.logprobs.length > 0;
      const first = output.promptLogprobs !== undefined && l.prompt !== null;
      if (output.text === "" && finishReason === null && !hasLogprobs && !first) continue;
      let logprobs = output.logprobs === null ? null : (lp[index]?.next(output.logprobs) ?? null);
      const { prompt_logprobs, echoed } = promptPart(l, index, output);
      if (echoed !== null) logprobs = append(echoed, logprobs ?? undefined);
      const echo = first && l.echo !== null ? (l.echo[Math.floor(index / l.n)] ?? "") : "";
      const stopReason = finishReason === null ? null : output.stopReason;
      yield chunk({
        index,
        text: echo + output.text,
        logprobs,
        finish_reason: finishReason,
        stop_reason: stopReason,
        ...(prompt_logprobs !== undefined && { prompt_logprobs }),
      });
    }
    if (o.includeUsage) yield completionUsageChunk(l.head, toUsage(gen.usage()));
  } catch (err) {
    yield answerError(err, o.requestId, o.logger).body;
  }
}
