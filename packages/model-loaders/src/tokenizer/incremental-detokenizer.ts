import type { DecodeOptions } from "./tokenizer.js";

/** The part of a tokenizer the detokenizer needs. */
export interface Decoder {
  decode(ids: readonly number[], options?: DecodeOptions): string;
}

// How many prompt tokens to decode along with the first generated ones: enough that the window
// never starts with the first generated token, whose leading "▁" a Llama decoder would strip.
const PROMPT_CONTEXT = 4;

/**
 * Turns a stream of generated token ids into text deltas. Each step decodes a short window of
 * tokens (`[prefix, end)`) and emits only what extends the text of `[prefix, read)`, so:
 * - text is held back while it ends in U+FFFD, i.e. a byte-fallback character is incomplete;
 * - the first token after the prompt keeps its leading space (it is never at a window start);
 * - the concatenated deltas plus {@link finish} equal the full decode's text after the prompt.
 *
 * @example
 * const detok = new IncrementalDetokenizer(tokenizer, promptIds, { skipSpecialTokens: true });
 * for await (const id of tokens) stream.write(detok.push(id));
 * stream.write(detok.finish());
 */
export class IncrementalDetokenizer {
  private readonly ids: number[];
  private prefix: number;
  private read: number;
  private emitted = "";

  constructor(
    private readonly tokenizer: Decoder,
    promptIds: readonly number[],
    private readonly options: DecodeOptions = {},
  ) {
    this.ids = [...promptIds];
    this.read = this.ids.length;
    this.prefix = Math.max(0, this.read - PROMPT_CONTEXT);
  }

  /** All text emitted so far. */
  get text(): string {
    return this.emitted;
  }

  /** Adds generated ids; returns the new text they complete (possibly ""). */
  push(ids: number | readonly number[]): string {
    if (typeof ids === "number") this.ids.push(ids);
    else this.ids.push(...ids);
    return this.step(false);
  }

  /** Emits whatever is still held back (an unfinished character shows as U+FFFD). */
  finish(): string {
    return this.step(true);
  }

  private step(final: boolean): string {
    if (this.read === this.ids.length) return "";
    const before = this.tokenizer.decode(this.ids.slice(this.prefix, this.read), this.options);
    const after = this.tokenizer.decode(this.ids.slice(this.prefix), this.options);
    if (!final && (after.length <= before.length || after.endsWith("\uFFFD"))) return "";
    const delta = after.startsWith(before)
      ? after.slice(before.length)
      : after.slice(commonPrefix(before, after));
    this.prefix = this.read;
    this.read = this.ids.length;
    this.emitted += delta;
    return delta;
  }
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
