import type { LLMEngine } from "../core/llm-engine.js";
import type { PromptInput, RequestOutput } from "../core/types.js";
import { EngineError } from "../errors.js";
import { OutputStream } from "./output-stream.js";

/** A request for {@link AsyncEngine.add}. */
export interface EngineRequestInput {
  /** Default: a fresh `req-N`. */
  requestId?: string;
  prompt: PromptInput;
  /** Sampling parameters in snake_case, as `parseSamplingParams` takes them. */
  params?: unknown;
}

/**
 * The online engine: `add` returns a stream of outputs while a background loop steps the
 * {@link LLMEngine} as long as requests are in flight; `abort` stops one in any state.
 *
 * @example
 * const engine = new AsyncEngine(llm.engine);
 * for await (const o of engine.add({ prompt: "Once upon a time", params: { max_tokens: 20 } })) {
 *   process.stdout.write(o.text);
 * }
 */
export class AsyncEngine {
  private readonly streams = new Map<string, OutputStream>();
  private loop: Promise<void> | null = null;
  private counter = 0;

  constructor(readonly engine: LLMEngine) {}

  /** Queues a request; bad parameters throw here, before any stream exists. */
  add(request: EngineRequestInput): AsyncIterable<RequestOutput> {
    const requestId = request.requestId ?? `req-${this.counter++}`;
    this.engine.addRequest(requestId, request.prompt, request.params);
    const stream = new OutputStream(() => this.abort(requestId));
    this.streams.set(requestId, stream);
    this.loop ??= this.run();
    return stream;
  }

  /** Stops a request in any state and frees its blocks at once; false when it is not in flight. */
  abort(requestId: string): boolean {
    const out = this.engine.abort(requestId);
    if (out === null) return false;
    this.deliver(out);
    return true;
  }

  /** Resolves once no request is in flight and the loop has stopped. */
  async idle(): Promise<void> {
    while (this.loop !== null) await this.loop;
  }

  private async run(): Promise<void> {
    try {
      while (this.engine.hasUnfinished()) {
        for (const o of await this.engine.step()) this.deliver(o);
        // Let add / abort calls and readers run between steps.
        await yieldToEventLoop();
      }
    } catch (cause) {
      const err = new EngineError("engine.step_failed", `the engine loop stopped: ${String(cause)}`, {
        cause,
      });
      for (const id of this.engine.requestIds()) this.engine.abort(id);
      for (const s of this.streams.values()) s.fail(err);
      this.streams.clear();
    } finally {
      this.loop = null;
    }
  }

  private deliver(o: RequestOutput): void {
    const s = this.streams.get(o.requestId);
    if (s === undefined) return;
    s.push(o);
    if (o.finishReason !== null) this.streams.delete(o.requestId);
  }
}

// setImmediate where it exists (Node): setTimeout(0) is clamped to ≥ 1 ms per step.
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  return new Promise((resolve) => (g.setImmediate ?? setTimeout)(resolve));
}
