import type { PromptLogprobs } from "@pagoda/engine";
import {
  type CompletionLogprobs,
  spell,
  type TokenLogprobs,
  type TokenSpelling,
  topWithSampled,
} from "./logprobs.js";

/** vLLM's `Logprob`: one candidate token at one prompt position. */
export interface VllmLogprob {
  logprob: number;
  rank: number;
  decoded_token: string;
}

/** vLLM's `prompt_logprobs`: `null` for the first prompt token, then token id → {@link VllmLogprob}. */
export type VllmPromptLogprobs = Array<Record<string, VllmLogprob> | null>;

/**
 * The engine's prompt log-probabilities as vLLM answers them: per position the prompt token
 * (with its rank in the vocabulary) and the `k` most likely tokens (ranks 1 to k), so up to
 * k + 1 entries.
 */
export function vllmPromptLogprobs(
  spelling: TokenSpelling,
  entries: PromptLogprobs,
  k: number,
): VllmPromptLogprobs {
  return entries.map((e) => {
    if (e === null) return null;
    const out: Record<string, VllmLogprob> = {
      [e.tokenId]: { logprob: e.logprob, rank: e.rank ?? 0, decoded_token: spell(spelling, e.tokenId) },
    };
    e.top.slice(0, k).forEach(([id, logprob], i) => {
      if (id !== e.tokenId) out[id] = { logprob, rank: i + 1, decoded_token: spell(spelling, id) };
    });
    return out;
  });
}

/**
 * OpenAI's `echo` with `logprobs`: the prompt's tokens in the legacy parallel arrays, ahead of
 * the generated ones. The first token has no log-probability (`null` in both lists, as OpenAI
 * and vLLM answer); the others carry their `k` alternatives plus themselves.
 */
export function echoedPromptLogprobs(
  spelling: TokenSpelling,
  entries: PromptLogprobs,
  promptTokenIds: readonly number[],
  k: number,
): CompletionLogprobs {
  const out: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = 0;
  promptTokenIds.forEach((id, p) => {
    const e = entries[p] ?? null;
    out.tokens.push(spell(spelling, id));
    out.token_logprobs.push(e === null ? null : e.logprob);
    out.top_logprobs.push(e === null ? null : topOf(spelling, { ...e, top: e.top.slice(0, k) }));
    out.text_offset.push(offset);
    offset += spell({ ...spelling, asTokenIds: false }, id).length;
  });
  return out;
}

function topOf(spelling: TokenSpelling, e: TokenLogprobs): Record<string, number> {
  return Object.fromEntries(topWithSampled(e).map(([id, lp]) => [spell(spelling, id), lp] as const));
}
