import { type Decoder, IncrementalDetokenizer } from "@pagoda/model-loaders";
import type { EngineRequest } from "./engine-request.js";
import { StopStringMatcher } from "./stop-strings.js";

/** The text a step added to a sample, and the stop string that ended it, if any. */
export interface TextUpdate {
  text: string;
  stop: string | null;
  /**
   * Tokens of the step the sample keeps: all of them, unless a stop string ended it at an earlier
   * one (a step with accepted speculative drafts brings several); the rest are not output.
   */
  numTokens: number;
}

/**
 * One of a request's `n` samples: a scheduler request of its own, with its own detokenizer and
 * stop-string matcher. The scheduler owns the tokens and blocks; this owns only what becomes text.
 */
export class EngineSample {
  private readonly detok: IncrementalDetokenizer;
  private readonly matcher: StopStringMatcher;
  /**
   * Output tokens so far, a stopping EOS / stop token included. The engine adds each step's
   * `TextUpdate.numTokens` as it outputs them, so an output's usage counts only outputs before it.
   */
  numOutputTokens = 0;
  finished = false;
  /** Its outputs carried the prompt log-probabilities already (they go on the first only). */
  sentPromptLogprobs = false;

  constructor(
    /** The request it belongs to. */
    readonly request: EngineRequest,
    /** Its place among the request's samples: `RequestOutput.index`. */
    readonly index: number,
    /** Its id in the scheduler (the request's own id for sample 0). */
    readonly schedulerId: string,
    decoder: Decoder,
  ) {
    const { params } = request;
    this.detok = new IncrementalDetokenizer(decoder, request.promptTokenIds, {
      skipSpecialTokens: params.skipSpecialTokens,
    });
    this.matcher = new StopStringMatcher(params.stop, { includeStop: params.includeStopStrInOutput });
  }

  /**
   * Takes a step's new tokens. A stopping EOS / stop token (`stopTokenId`, the last id) is
   * counted but never detokenized. When `finished`, everything held back is released. As in
   * vLLM, stop strings are looked for only once the sample has more than `min_tokens` tokens.
   * Several tokens (accepted drafts) are taken one at a time, as steps of one token would take
   * them, so a stop string ends the sample at the token that completed it.
   */
  consume(tokenIds: readonly number[], stopTokenId: number | null, finished: boolean): TextUpdate {
    if (tokenIds.length <= 1) {
      const u = this.consumeOne(tokenIds, stopTokenId, finished, tokenIds.length);
      return { ...u, numTokens: tokenIds.length };
    }
    let text = "";
    for (let i = 0; i < tokenIds.length; i++) {
      const last = i === tokenIds.length - 1;
      const u = this.consumeOne(tokenIds.slice(i, i + 1), last ? stopTokenId : null, last && finished, i + 1);
      text += u.text;
      if (u.stop !== null) return { text, stop: u.stop, numTokens: i + 1 };
    }
    return { text, stop: null, numTokens: tokenIds.length };
  }

  // `numTaken`: the step's tokens taken so far, this one included (min_tokens counts them).
  private consumeOne(
    tokenIds: readonly number[],
    stopTokenId: number | null,
    finished: boolean,
    numTaken: number,
  ): { text: string; stop: string | null } {
    const shown = stopTokenId === null ? tokenIds : tokenIds.slice(0, -1);
    let delta = shown.length > 0 ? this.detok.push(shown) : "";
    if (finished) delta += this.detok.finish();
    const match =
      this.numOutputTokens + numTaken > this.request.params.minTokens
        ? this.matcher.push(delta)
        : { emit: this.matcher.flush() + delta, stop: null };
    if (match.stop !== null) return { text: match.emit, stop: match.stop };
    return { text: finished ? match.emit + this.matcher.flush() : match.emit, stop: null };
  }
}
