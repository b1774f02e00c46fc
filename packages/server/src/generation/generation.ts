import type { EngineClient, RequestOutput } from "@pagoda/engine";
import { AsyncQueue } from "@pagoda/engine";
import type { AbortReason, InFlight } from "../state/server-state.js";

/** One engine output and the prompt (of a batch) it belongs to. */
export interface GenerationOutput {
  promptIndex: number;
  output: RequestOutput;
}

/** What {@link Generation.start} submits. */
export interface GenerationRequest {
  engine: EngineClient;
  /** The engine request id; a batch of prompts gets `${requestId}-${i}`. */
  requestId: string;
  /** Token ids of each prompt (a completions batch has several; chat has one). */
  prompts: ReadonlyArray<readonly number[]>;
  /** Sampling fields in snake_case, handed to the engine unchecked: it validates them. */
  params: Record<string, unknown>;
}

/**
 * The engine requests of one HTTP request, merged into one stream. The engine streams are read
 * eagerly, so the generation ends (and shutdown stops waiting for it) when the engine is done,
 * whether or not the HTTP side is still reading.
 */
export class Generation implements InFlight, AsyncIterable<GenerationOutput> {
  /** Settles once every engine request has ended. */
  readonly done: Promise<void>;
  /** `performance.now()` when the first token arrived, for TTFT. */
  firstTokenAt: number | null = null;
  private reason: AbortReason | null = null;
  private readonly channel = new AsyncQueue<GenerationOutput>();
  private readonly running: Set<string>;
  private readonly promptTokens: number[];
  private readonly completionTokens: number[];

  /**
   * Submits every prompt. A rejection (a bad sampling field, a prompt beyond the context) aborts
   * the prompts already submitted and is rethrown as the engine's typed error.
   */
  static async start(r: GenerationRequest): Promise<Generation> {
    const ids = r.prompts.map((_, i) => (r.prompts.length === 1 ? r.requestId : `${r.requestId}-${i}`));
    const streams: Array<AsyncIterable<RequestOutput>> = [];
    try {
      for (const [i, prompt] of r.prompts.entries()) {
        streams.push(await r.engine.submit({ requestId: ids[i] as string, prompt, params: r.params }));
      }
    } catch (err) {
      await Promise.allSettled(ids.slice(0, streams.length).map((id) => r.engine.abort(id)));
      throw err;
    }
    return new Generation(r.engine, ids, streams);
  }

  private constructor(
    private readonly engine: EngineClient,
    ids: readonly string[],
    streams: ReadonlyArray<AsyncIterable<RequestOutput>>,
  ) {
    this.running = new Set(ids);
    this.promptTokens = ids.map(() => 0);
    this.completionTokens = ids.map(() => 0);
    const pumps = streams.map((s, i) => this.pump(ids[i] as string, i, s));
    this.done = Promise.allSettled(pumps).then((results) => {
      const failed = results.find((r) => r.status === "rejected");
      if (failed === undefined) this.channel.end();
      else this.channel.fail(failed.reason);
    });
  }

  /** Why the generation was cut short, or `null` if it was not. */
  get abortedBy(): AbortReason | null {
    return this.reason;
  }

  /** Prompt and completion tokens so far, summed over the batch. */
  usage(): { promptTokens: number; completionTokens: number } {
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    return { promptTokens: sum(this.promptTokens), completionTokens: sum(this.completionTokens) };
  }

  /** Stops every engine request still running; their streams end with `finishReason: "abort"`. */
  abort(reason: AbortReason): void {
    this.reason ??= reason;
    // An abort that fails (a worker that died) leaves nothing to free here: the stream then ends
    // with the engine's own error, which the reader sees.
    for (const id of this.running) this.engine.abort(id).catch(() => {});
  }

  [Symbol.asyncIterator](): AsyncIterator<GenerationOutput> {
    return this.channel[Symbol.asyncIterator]();
  }

  private async pump(id: string, promptIndex: number, stream: AsyncIterable<RequestOutput>): Promise<void> {
    try {
      for await (const output of stream) {
        if (this.firstTokenAt === null && output.tokenIds.length > 0) this.firstTokenAt = performance.now();
        // `usage` is the request's running total (all its samples).
        this.promptTokens[promptIndex] = output.usage.promptTokens;
        this.completionTokens[promptIndex] = output.usage.completionTokens;
        this.channel.push({ promptIndex, output });
      }
    } finally {
      this.running.delete(id);
    }
  }
}
