import type { BenchResult } from "../driver/bench-result.js";
import { RunCollector } from "../driver/collector.js";
import type { GoodputSlo } from "../driver/goodput.js";
import { type BenchRequest, promptTokens } from "../driver/trace.js";
import { createRng } from "../workload/rng.js";
import { type CompletionOutcome, streamCompletion } from "./stream-completion.js";

/** Options of {@link runServe}. */
export interface ServeOptions {
  url: string;
  model: string;
  requests: readonly BenchRequest[];
  /** Most requests in flight at once; default unlimited. */
  maxConcurrency?: number;
  goodput?: GoodputSlo;
  /** Vocabulary of random token-id prompts for requests without text; default 32000. */
  vocabSize?: number;
  /** Token ids random prompts avoid (the EOS ids); default none. */
  avoidTokenIds?: readonly number[];
  seed?: number;
  headers?: Record<string, string>;
  onProgress?: (numDone: number) => void;
}

/** What a serving benchmark produced. */
export interface ServeRunResult {
  result: BenchResult;
  collector: RunCollector;
  /** The first few error messages, for the report. */
  errors: string[];
}

/**
 * Sends the trace to an OpenAI-compatible server: each request leaves at its arrival time (or
 * when a concurrency slot frees), streams `/v1/completions`, and its TTFT and inter-token
 * latencies are measured here, on the client, as a user would see them.
 */
export async function runServe(options: ServeOptions): Promise<ServeRunResult> {
  const collector = new RunCollector();
  const t0 = performance.now();
  const now = () => (performance.now() - t0) / 1000;
  const rng = createRng(options.seed ?? 0);
  const avoid = new Set(options.avoidTokenIds ?? []);
  const vocab = options.vocabSize ?? 32000;
  const sorted = [...options.requests].sort((a, b) => a.arrivalTime - b.arrivalTime);
  const prompts = sorted.map((r) => r.prompt ?? promptTokens(rng, r.inputLen, vocab, avoid));
  const slots = new Semaphore(options.maxConcurrency ?? Number.POSITIVE_INFINITY);
  const errors: string[] = [];
  let done = 0;
  const one = async (r: BenchRequest, prompt: string | number[]) => {
    await slots.acquire();
    try {
      const out = await streamCompletion(
        {
          url: options.url,
          model: options.model,
          prompt,
          maxTokens: r.outputLen,
          ...(options.headers !== undefined && { headers: options.headers }),
        },
        now,
      );
      record(collector, r, out);
      if (!out.ok && errors.length < 10) errors.push(`${r.requestId}: ${out.error}`);
    } finally {
      slots.release();
      options.onProgress?.(++done);
    }
  };
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i] as BenchRequest;
    const wait = (r.arrivalTime - now()) * 1000;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(one(r, prompts[i] as string | number[]));
  }
  await Promise.all(inFlight);
  return { result: collector.result(options.goodput), collector, errors };
}

function record(c: RunCollector, r: BenchRequest, out: CompletionOutcome): void {
  c.arrived(r.requestId, out.startTime, out.numPromptTokens ?? r.inputLen);
  // The client cannot see scheduling: the request counts as scheduled when sent.
  c.scheduled(r.requestId, out.startTime);
  for (const chunk of out.chunks) c.tokens(r.requestId, chunk.time, chunk.numTokens);
  c.finish(r.requestId, out.endTime, out.ok ? (out.finishReason === "stop" ? "stop" : "length") : "error");
}

/** A counting semaphore: at most `limit` holders at once, the rest wait in order. */
class Semaphore {
  private held = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.held < this.limit) {
      this.held++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held--;
  }
}
