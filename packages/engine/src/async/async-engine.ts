import type { SchedulerStats } from "@pagoda/scheduler";
import type { EngineInspection } from "../core/inspection.js";
import type { LLMEngine } from "../core/llm-engine.js";
import type { RequestOutput } from "../core/types.js";
import { EngineError } from "../errors.js";
import type { EngineClient, EngineRequestInput } from "./engine-client.js";
import { OutputStream } from "./output-stream.js";
import { yieldToEventLoop } from "./yield.js";

/**
 * The online engine: `add` returns a stream of outputs while a background loop steps the
 * {@link LLMEngine} as long as requests are in flight; `abort` stops one in any state. A request
 * with `n` samples has one stream carrying every sample's outputs (`index`); it ends after the
 * output with `finished`, once all of them are done.
 *
 * @example
 * const engine = new AsyncEngine(llm.engine);
 * for await (const o of engine.add({ prompt: "Once upon a time", params: { max_tokens: 20 } })) {
 *   process.stdout.write(o.text);
 * }
 */
export class AsyncEngine implements EngineClient {
  private readonly streams = new Map<string, OutputStream>();
  private loop: Promise<void> | null = null;
  private counter = 0;

  /**
   * @param engine the core to step.
   * @param release called by {@link close} after everything in flight is aborted (e.g. `llm.close`).
   */
  constructor(
    readonly engine: LLMEngine,
    private readonly release: () => Promise<void> = async () => {},
  ) {}

  /** Queues a request; bad parameters throw here, before any stream exists. */
  add(request: EngineRequestInput): AsyncIterable<RequestOutput> {
    const requestId = request.requestId ?? `req-${this.counter++}`;
    this.engine.addRequest(requestId, request.prompt, request.params);
    const stream = new OutputStream(() => this.abortNow(requestId));
    this.streams.set(requestId, stream);
    this.loop ??= this.run();
    return stream;
  }

  /** {@link add} for the {@link EngineClient} interface: a bad request rejects instead of throwing. */
  async submit(request: EngineRequestInput): Promise<AsyncIterable<RequestOutput>> {
    return this.add(request);
  }

  /** {@link abortNow} for the {@link EngineClient} interface. */
  async abort(requestId: string): Promise<boolean> {
    return this.abortNow(requestId);
  }

  /** Request ids by state, who holds each KV block and the last step's batch. */
  async inspect(): Promise<EngineInspection> {
    return this.engine.inspect();
  }

  /** Drops every cached prefix; false while any request holds KV blocks. */
  async resetPrefixCache(): Promise<boolean> {
    return this.engine.resetPrefixCache();
  }

  /** Scheduler and KV-cache state now. */
  stats(): SchedulerStats {
    return this.engine.stats();
  }

  /** Aborts everything in flight, waits for the loop to stop, then releases the executor. */
  async close(): Promise<void> {
    for (const id of this.engine.requestIds()) this.abortNow(id);
    await this.idle();
    await this.release();
  }

  /** Stops a request (every sample) in any state and frees its blocks at once; false when it is not in flight. */
  abortNow(requestId: string): boolean {
    const outputs = this.engine.abort(requestId);
    for (const o of outputs) this.deliver(o);
    return outputs.length > 0;
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
      this.engine.publishState();
    } catch (cause) {
      const err = new EngineError("engine.step_failed", `the engine loop stopped: ${String(cause)}`, {
        cause,
      });
      for (const id of this.engine.requestIds()) this.engine.abort(id);
      this.engine.publishState();
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
    if (o.finished) this.streams.delete(o.requestId);
  }
}
