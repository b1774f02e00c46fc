import type { RequestOutput } from "@pagoda/engine";
import type { ServerTokenizer } from "../state/served-model.js";

/** The engine's log-probabilities of one sampled token. */
export type TokenLogprobs = NonNullable<RequestOutput["logprobs"]>[number];

/** `/v1/completions`' `logprobs` object (the legacy parallel-array form). */
export interface CompletionLogprobs {
  tokens: string[];
  /** `null` only for an echoed prompt's first token, which nothing predicts. */
  token_logprobs: Array<number | null>;
  top_logprobs: Array<Record<string, number> | null>;
  text_offset: number[];
}

/** One entry of `/v1/chat/completions`' `logprobs.content`. */
export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

const utf8 = new TextEncoder();

const anchors = new WeakMap<
  ServerTokenizer,
  { anchor: number[]; prefix: string; cache: Map<number, string> }
>();

/**
 * A token's text as it reads inside a sequence. Decoded alone, a SentencePiece token loses its
 * leading space ("▁there" → "there"), so it is decoded after a plain anchor token and the anchor's
 * text cut off. A piece of a multi-byte character reads U+FFFD, as in vLLM.
 */
export function tokenText(tokenizer: ServerTokenizer, id: number): string {
  let a = anchors.get(tokenizer);
  if (a === undefined) {
    const anchor = tokenizer.encode("a", { addSpecialTokens: false }).slice(0, 1);
    a = { anchor, prefix: tokenizer.decode(anchor), cache: new Map() };
    anchors.set(tokenizer, a);
  }
  let text = a.cache.get(id);
  if (text === undefined) {
    const both = tokenizer.decode([...a.anchor, id]);
    text = both.startsWith(a.prefix) ? both.slice(a.prefix.length) : tokenizer.decode([id]);
    if (a.cache.size < 65_536) a.cache.set(id, text);
  }
  return text;
}

/** How log-probability tokens are spelled: their text, or (vLLM's `return_tokens_as_token_ids`) `token_id:<id>`. */
export interface TokenSpelling {
  tokenizer: ServerTokenizer;
  asTokenIds: boolean;
}

/** A token as log-probabilities name it. */
export function spell(s: TokenSpelling, id: number): string {
  return s.asTokenIds ? `token_id:${id}` : tokenText(s.tokenizer, id);
}

/**
 * The top entries with the sampled token among them: OpenAI and vLLM return it in its own
 * `top_logprobs` even when it is not among the k best (k + 1 entries then).
 */
export function topWithSampled(e: TokenLogprobs): Array<readonly [number, number]> {
  return e.top.some(([id]) => id === e.tokenId) ? e.top : [...e.top, [e.tokenId, e.logprob]];
}

/**
 * Builds completions logprobs; `text_offset` counts characters from the start of the choice's
 * text (the echoed prompt included), so it carries on across a stream's chunks.
 */
export class CompletionLogprobsBuilder {
  private offset: number;

  constructor(
    private readonly spelling: TokenSpelling,
    startOffset = 0,
  ) {
    this.offset = startOffset;
  }

  /** The logprobs of the next tokens of the choice. */
  next(entries: readonly TokenLogprobs[]): CompletionLogprobs {
    const out: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
    for (const e of entries) {
      const token = spell(this.spelling, e.tokenId);
      out.tokens.push(token);
      out.token_logprobs.push(e.logprob);
      out.top_logprobs.push(
        Object.fromEntries(topWithSampled(e).map(([id, lp]) => [spell(this.spelling, id), lp] as const)),
      );
      out.text_offset.push(this.offset);
      // Offsets count text, whatever the spelling of the tokens.
      this.offset += tokenText(this.spelling.tokenizer, e.tokenId).length;
    }
    return out;
  }
}

/**
 * Chat logprobs (`{ content: [...] }`) of some sampled tokens. With `top_logprobs: 0` the list
 * stays empty, as OpenAI's; otherwise it holds the sampled token too.
 */
export function chatLogprobs(
  spelling: TokenSpelling,
  entries: readonly TokenLogprobs[],
): { content: ChatTokenLogprob[] } {
  const entry = (id: number, logprob: number) => {
    const token = spell(spelling, id);
    return { token, logprob, bytes: [...utf8.encode(token)] };
  };
  return {
    content: entries.map((e) => ({
      ...entry(e.tokenId, e.logprob),
      top_logprobs: (e.top.length === 0 ? [] : topWithSampled(e)).map(([id, lp]) => entry(id, lp)),
    })),
  };
}
