import { yieldToEventLoop } from "../async/yield.js";
import type { LLMEngine } from "../core/llm-engine.js";
import type { RequestOutput } from "../core/types.js";
import { EngineError } from "../errors.js";
import type { LLM } from "../offline/llm.js";
import type { ForwardingRecorder } from "./forwarding-recorder.js";
import type { EnginePort } from "./port.js";
import type { EngineUpdate, FromWorker, ToWorker, WireOutput } from "./protocol.js";
import { toWire } from "./wire-error.js";

/**
 * The worker side of the protocol once the engine is built: steps the {@link LLMEngine} while
 * requests are in flight and posts one `step` message per step (its outputs, the metrics calls
 * and the stats after it). It runs its own loop rather than an `AsyncEngine` so that a step's
 * outputs go out as one message the moment the step ends.
 */
export class EngineHost {
  private readonly engine: LLMEngine;
  /** Requests the main thread still reads outputs of. */
  private readonly open = new Set<string>();
  private loop: Promise<void> | null = null;
  /** Set by `close`: its own message carries the abort outputs, so the loop posts no `idle`. */
  private closing = false;

  constructor(
    private readonly port: EnginePort,
    private readonly llm: LLM,
    private readonly recorder: ForwardingRecorder | null,
  ) {
    this.engine = llm.engine;
  }

  /** Handles one message from the main thread. */
  async handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case "submit": {
        const { requestId, prompt, params } = msg.request;
        try {
          this.engine.addRequest(requestId, prompt, params);
        } catch (err) {
          this.post({ type: "rejected", call: msg.call, error: toWire(err) });
          return;
        }
        this.open.add(requestId);
        this.post({ type: "accepted", call: msg.call, requestId, update: this.update([]) });
        this.loop ??= this.run();
        return;
      }
      case "abort": {
        const outputs = this.engine.abort(msg.requestId);
        this.post({
          type: "aborted",
          call: msg.call,
          aborted: outputs.length > 0,
          update: this.update(outputs),
        });
        return;
      }
      case "inspect":
        this.post({ type: "inspection", call: msg.call, inspection: this.engine.inspect() });
        return;
      case "reset-prefix-cache": {
        const reset = this.engine.resetPrefixCache();
        this.post({ type: "prefix-cache-reset", call: msg.call, reset, stats: this.engine.stats() });
        return;
      }
      case "close": {
        this.closing = true;
        const outputs = this.abortAll();
        while (this.loop !== null) await this.loop;
        await this.llm.close();
        this.post({ type: "closed", call: msg.call, update: this.update(outputs) });
        return;
      }
      case "init":
        throw new EngineError("engine.protocol", "the engine worker was initialised twice");
    }
  }

  private async run(): Promise<void> {
    try {
      while (this.engine.hasUnfinished()) {
        const outputs = await this.engine.step();
        this.post({ type: "step", update: this.update(outputs) });
        // Let submit / abort / close messages in between steps.
        await yieldToEventLoop();
      }
      // Aborts and steps posted their stats already; this makes the idle state explicit, so
      // the main thread never keeps a busy picture of an engine with nothing to do.
      this.engine.publishState();
      if (!this.closing) this.post({ type: "idle", update: this.update([]) });
    } catch (cause) {
      // Not an executor error (those fail only their requests inside the step): a broken engine.
      const error = new EngineError("engine.step_failed", `the engine loop stopped: ${String(cause)}`);
      this.abortAll();
      this.open.clear();
      this.post({ type: "failed", error: toWire(error), update: this.update([]) });
    } finally {
      this.loop = null;
    }
  }

  private abortAll(): RequestOutput[] {
    return this.engine.requestIds().flatMap((id) => this.engine.abort(id));
  }

  /** The outputs given, the requests that ended with them, metrics so far and the stats now. */
  private update(outputs: readonly RequestOutput[]): EngineUpdate {
    const live = new Set(this.engine.requestIds());
    const ended: string[] = [];
    for (const id of this.open) {
      if (live.has(id)) continue;
      ended.push(id);
      this.open.delete(id);
    }
    return {
      outputs: outputs.map(toWireOutput),
      ended,
      metrics: this.recorder?.take() ?? [],
      stats: this.engine.stats(),
    };
  }

  private post(msg: FromWorker): void {
    this.port.postMessage(msg);
  }
}

function toWireOutput(o: RequestOutput): WireOutput {
  const { error, ...rest } = o;
  return error === undefined ? rest : { ...rest, error: toWire(error) };
}
