/** What {@link StopStringMatcher.push} decided: text safe to emit, and the stop string if one ended it. */
export interface StopMatch {
  emit: string;
  stop: string | null;
}

/**
 * Finds stop strings in streamed text, across token boundaries. Text that could still turn out
 * to be the start of a stop string is held back, so a stop string is never emitted partially
 * and, unless `includeStop`, never emitted at all: the output ends just before it.
 *
 * @example
 * const m = new StopStringMatcher(["\n\n"]);
 * m.push("Hi\n"); // { emit: "Hi", stop: null } ("\n" held back)
 * m.push("\nX"); // { emit: "", stop: "\n\n" }
 */
export class StopStringMatcher {
  private held = "";
  private readonly stops: readonly string[];

  private readonly includeStop: boolean;

  /** With `includeStop` (vLLM's `include_stop_str_in_output`) the stop string ends the emitted text. */
  constructor(stops: readonly string[], options: { includeStop?: boolean } = {}) {
    this.stops = stops.filter((s) => s.length > 0);
    this.includeStop = options.includeStop ?? false;
  }

  /** Adds a text delta; returns what may be emitted now, and the stop string when one appeared. */
  push(delta: string): StopMatch {
    if (this.stops.length === 0) return { emit: delta, stop: null };
    const text = this.held + delta;
    let at = -1;
    let stop: string | null = null;
    for (const s of this.stops) {
      const i = text.indexOf(s);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        stop = s;
      }
    }
    if (stop !== null) {
      this.held = "";
      return { emit: text.slice(0, this.includeStop ? at + stop.length : at), stop };
    }
    const keep = this.longestStopPrefixSuffix(text);
    this.held = text.slice(text.length - keep);
    return { emit: text.slice(0, text.length - keep), stop: null };
  }

  /** Releases the held-back text, once no stop string can follow (the request finished otherwise). */
  flush(): string {
    const text = this.held;
    this.held = "";
    return text;
  }

  // The longest suffix of `text` that is a proper prefix of some stop string.
  private longestStopPrefixSuffix(text: string): number {
    let best = 0;
    for (const s of this.stops) {
      for (let k = Math.min(s.length - 1, text.length); k > best; k--) {
        if (text.endsWith(s.slice(0, k))) {
          best = k;
          break;
        }
      }
    }
    return best;
  }
}
