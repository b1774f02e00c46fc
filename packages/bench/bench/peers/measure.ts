import type { Scenario } from "./scenarios.js";

/** What one system did on one scenario. */
export interface RunResult {
  /** Decode: generated tok/s after the prefill, all streams together; prefill: prompt tok/s. */
  tokPerS: number;
  /** The timed window in seconds. */
  seconds: number;
  /** Tokens counted in that window. */
  numTokens: number;
  /** Every stream's generated ids (for comparing greedy outputs). */
  outputs: number[][];
}

/** A system under test: runs one scenario on the prompts given, greedy, EOS ignored. */
export interface PeerRunner {
  readonly name: string;
  run(s: Scenario, prompts: number[][]): Promise<RunResult>;
  close(): Promise<void>;
}

/** Records when each stream's tokens arrive, for {@link StreamClock.result}. */
export class StreamClock {
  readonly start = performance.now();
  private readonly first: number[];
  private readonly last: number[];
  readonly outputs: number[][];

  constructor(streams: number) {
    this.first = new Array(streams).fill(Number.NaN);
    this.last = new Array(streams).fill(Number.NaN);
    this.outputs = Array.from({ length: streams }, () => []);
  }

  /** `ids` arrived for `stream` now. */
  tokens(stream: number, ids: readonly number[]): void {
    if (ids.length === 0) return;
    const now = performance.now();
    if (Number.isNaN(this.first[stream])) this.first[stream] = now;
    this.last[stream] = now;
    this.outputs[stream]?.push(...ids);
  }

  /**
   * Prefill: prompt tokens ÷ time to the first token. Decode: the tokens after each stream's
   * first ÷ the time from the last first token (every prefill done) to the last token.
   */
  result(s: Scenario): RunResult {
    const outputs = this.outputs;
    if (s.kind === "prefill") {
      const seconds = ((this.first[0] as number) - this.start) / 1000;
      return { tokPerS: s.promptLen / seconds, seconds, numTokens: s.promptLen, outputs };
    }
    const seconds = (Math.max(...this.last) - Math.max(...this.first)) / 1000;
    const numTokens = outputs.reduce((a, o) => a + o.length - 1, 0);
    return { tokPerS: numTokens / seconds, seconds, numTokens, outputs };
  }
}
