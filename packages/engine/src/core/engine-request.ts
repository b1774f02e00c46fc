import { type Decoder, IncrementalDetokenizer } from "@pagoda/model-loaders";
import type { ParsedSamplingParams } from "../sampling/index.js";
import { StopStringMatcher } from "./stop-strings.js";
import type { Usage } from "./types.js";

/** The text a step added to a request, and the stop string that ended it, if any. */
export interface TextUpdate {
  text: string;
  stop: string | null;
}

/**
 * The engine's side of one request: its detokenizer and stop-string matcher, and the counts
 * for `usage`. The scheduler owns the tokens and blocks; this owns only what becomes text.
 */
export class EngineRequest {
  private readonly detok: IncrementalDetokenizer;
  private readonly matcher: StopStringMatcher;
  private numOutputTokens = 0;

  constructor(
    readonly requestId: string,
    readonly promptTokenIds: readonly number[],
    readonly params: ParsedSamplingParams,
    decoder: Decoder,
  ) {
    this.detok = new IncrementalDetokenizer(decoder, promptTokenIds, { skipSpecialTokens: true });
    this.matcher = new StopStringMatcher(params.stop);
  }

  /**
   * Takes a step's new tokens. A stopping EOS / stop token (`stopTokenId`, the last id) is
   * counted but never detokenized. When `finished`, everything held back is released.
   */
  consume(tokenIds: readonly number[], stopTokenId: number | null, finished: boolean): TextUpdate {
    this.numOutputTokens += tokenIds.length;
    const shown = stopTokenId === null ? tokenIds : tokenIds.slice(0, -1);
    let delta = shown.length > 0 ? this.detok.push(shown) : "";
    if (finished) delta += this.detok.finish();
    const match = this.matcher.push(delta);
    if (match.stop !== null) return { text: match.emit, stop: match.stop };
    return { text: finished ? match.emit + this.matcher.flush() : match.emit, stop: null };
  }

  /** Token counts so far. */
  usage(): Usage {
    const promptTokens = this.promptTokenIds.length;
    return {
      promptTokens,
      completionTokens: this.numOutputTokens,
      totalTokens: promptTokens + this.numOutputTokens,
    };
  }
}
