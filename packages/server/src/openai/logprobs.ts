import type { RequestOutput } from "@pagoda/engine";
import type { ServerTokenizer } from "../state/served-model.js";

/** The engine's log-probabilities of one sampled token. */
export type TokenLogprobs = NonNullable<RequestOutput["logprobs"]>[number];

/** `/v1/completions`' `logprobs` object (the legacy parallel-array form). */
export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Array<Record<string, number>>;
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

/**
 * Builds completions logprobs; `text_offset` counts characters from the start of the choice's
 * text (the echoed prompt included), so it carries on across a stream's chunks.
 */
export class CompletionLogprobsBuilder {
  private offset: number;

  constructor(
    private readonly tokenizer: ServerTokenizer,
    startOffset = 0,
  ) {
    this.offset = startOffset;
  }

  /** The logprobs of the next tokens of the choice. */
  next(entries: readonly TokenLogprobs[]): CompletionLogprobs {
    const out: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
    for (const e of entries) {
      const token = tokenText(this.tokenizer, e.tokenId);
      out.tokens.push(token);
      out.token_logprobs.push(e.logprob);
      out.top_logprobs.push(
        Object.fromEntries(e.top.map(([id, lp]) => [tokenText(this.tokenizer, id), lp] as const)),
      );
      out.text_offset.push(this.offset);
      this.offset += token.length;
    }
    return out;
  }
}

/** Chat logprobs (`{ content: [...] }`) of some sampled tokens. */
export function chatLogprobs(
  tokenizer: ServerTokenizer,
  entries: readonly TokenLogprobs[],
): { content: ChatTokenLogprob[] } {
  const entry = (id: number, logprob: number) => {
    const token = tokenText(tokenizer, id);
    return { token, logprob, bytes: [...utf8.encode(token)] };
  };
  return {
    content: entries.map((e) => ({
      ...entry(e.tokenId, e.logprob),
      top_logprobs: e.top.map(([id, lp]) => entry(id, lp)),
    })),
  };
}
