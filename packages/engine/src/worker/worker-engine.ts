import type { PagodaError } from "@pagoda/errors";
import type { MetricsRecorder } from "@pagoda/metrics";
import type { SchedulerStats } from "@pagoda/scheduler";
import { AsyncQueue } from "../async/async-queue.js";
import type { EngineClient, EngineRequestInput } from "../async/engine-client.js";
import type { EngineInspection } from "../core/inspection.js";
import type { RequestOutput } from "../core/types.js";
import { EngineError } from "../errors.js";
import { MetricsRelay } from "./metrics-relay.js";
import type { EnginePort, PortExit } from "./port.js";
import type {
  EngineUpdate,
  FromWorker,
  ToWorker,
  WireOutput,
  WorkerEngineInfo,
  WorkerInitOptions,
} from "./protocol.js";
import { fromWire } from "./wire-error.js";

/** Main-thread options of {@link WorkerEngine.connect}. */
export interface ConnectOptions {
  /** Receives the worker engine's request events (on this thread's clock) and step records. */
  metrics?: MetricsRecorder;
  /** Called as the worker loads the weights (bytes so far, and in all). */
  onLoadProgress?: (loadedBytes: number, totalBytes: number) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * An {@link EngineClient} whose engine core runs in a worker: every step runs there, so this
 * thread only moves messages. Platform-neutral; `spawnWorkerEngine` (`@pagoda/engine/worker/node`)
 * starts one on a Node worker thread, {@link WorkerEngine.connect} over any {@link EnginePort}.
 */
export class WorkerEngine implements EngineClient {
  private readonly streams = new Map<string, AsyncQueue<RequestOutput>>();
  private readonly pending = new Map<number, Pending>();
  private readonly relay: MetricsRelay | null;
  private lastStats: SchedulerStats;
  private nextCall = 0;
  private counter = 0;
  /** Why no more requests are taken: closed, or the worker is gone. */
  private gone: PagodaError | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly port: EnginePort,
    /** The engine's device and sizes, as the worker built it. */
    readonly info: WorkerEngineInfo,
    stats: SchedulerStats,
    timeOrigin: number,
    metrics: MetricsRecorder | undefined,
  ) {
    this.lastStats = stats;
    this.relay = metrics === undefined ? null : new MetricsRelay(metrics, timeOrigin);
  }

  /**
   * Sends `init` over `port` and resolves once the worker has built the engine; rejects with the
   * worker's typed error (a bad model folder, no WebGPU adapter, …) and ends the worker.
   */
  static connect(
    port: EnginePort,
    options: WorkerInitOptions,
    o: ConnectOptions = {},
  ): Promise<WorkerEngine> {
    return new Promise((resolve, reject) => {
      let engine: WorkerEngine | null = null;
      const fail = (err: unknown) => {
        void port.terminate?.();
        reject(err);
      };
      port.onMessage((data) => {
        const msg = data as FromWorker;
        if (engine !== null) engine.receive(msg);
        else if (msg.type === "ready") {
          engine = new WorkerEngine(port, msg.info, msg.stats, msg.timeOrigin, o.metrics);
          port.setBusy?.(false);
          resolve(engine);
        } else if (msg.type === "progress") o.onLoadProgress?.(msg.loadedBytes, msg.totalBytes);
        else if (msg.type === "init-failed") fail(fromWire(msg.error));
      });
      port.onExit?.((exit) => (engine === null ? reject(exitError(exit)) : engine.exited(exit)));
      try {
        port.setBusy?.(true);
        port.postMessage({ type: "init", options, metrics: o.metrics !== undefined } satisfies ToWorker);
      } catch (cause) {
        fail(new EngineError("engine.bad_option", `the engine options cannot be sent to a worker: ${cause}`));
      }
    });
  }

  /** Queues a request in the worker; rejects with the worker's typed error for a bad one. */
  async submit(request: EngineRequestInput): Promise<AsyncIterable<RequestOutput>> {
    if (this.closing !== null) throw this.gone ?? closedError();
    const requestId = request.requestId ?? `req-${this.counter++}`;
    const { prompt, params } = request;
    const stream = await this.call<AsyncQueue<RequestOutput>>((call) => ({
      type: "submit",
      call,
      request: params === undefined ? { requestId, prompt } : { requestId, prompt, params },
    }));
    return stream;
  }

  /** Stops a request in any state; resolves once the worker has freed its blocks. */
  async abort(requestId: string): Promise<boolean> {
    if (this.gone !== null || this.closing !== null) return false;
    return this.call<boolean>((call) => ({ type: "abort", call, requestId }));
  }

  /** Request ids by state, the KV block map and the last step's batch, from the worker. */
  async inspect(): Promise<EngineInspection> {
    return this.call<EngineInspection>((call) => ({ type: "inspect", call }));
  }

  /** Drops every cached prefix in the worker; false while any request holds KV blocks. */
  async resetPrefixCache(): Promise<boolean> {
    return this.call<boolean>((call) => ({ type: "reset-prefix-cache", call }));
  }

  /** Scheduler and KV-cache state as of the worker's latest step, accepted, aborted or idle message. */
  stats(): SchedulerStats {
    return this.lastStats;
  }

  /** Aborts everything in flight, releases the executor and ends the worker. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.gone === null) {
        try {
          await this.call((call) => ({ type: "close", call }));
        } catch {
          // The worker died meanwhile: nothing left to release.
        }
      }
      this.shutDown(closedError());
      await this.port.terminate?.();
    })();
    return this.closing;
  }

  private call<T>(message: (call: number) => ToWorker): Promise<T> {
    if (this.gone !== null) return Promise.reject(this.gone);
    const call = this.nextCall++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(call, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.port.postMessage(message(call));
      } catch (cause) {
        this.pending.delete(call);
        reject(new EngineError("engine.not_cloneable", `the request cannot be sent to the worker: ${cause}`));
      }
      this.updateBusy();
    });
  }

  private receive(msg: FromWorker): void {
    switch (msg.type) {
      case "accepted": {
        const stream = new AsyncQueue<RequestOutput>(() => void this.abort(msg.requestId).catch(() => {}));
        this.streams.set(msg.requestId, stream);
        this.apply(msg.update);
        this.settle(msg.call, stream);
        break;
      }
      case "rejected":
        this.settle(msg.call, null, fromWire(msg.error));
        break;
      case "step":
      case "idle":
        this.apply(msg.update);
        break;
      case "aborted":
        this.apply(msg.update);
        this.settle(msg.call, msg.aborted);
        break;
      case "inspection":
        this.settle(msg.call, msg.inspection);
        break;
      case "prefix-cache-reset":
        this.lastStats = msg.stats;
        this.settle(msg.call, msg.reset);
        break;
      case "closed":
        this.apply(msg.update);
        this.settle(msg.call, undefined);
        break;
      case "failed": {
        this.apply(msg.update);
        const err = fromWire(msg.error);
        for (const s of this.streams.values()) s.fail(err);
        this.streams.clear();
        this.updateBusy();
        break;
      }
      default:
        break; // `ready` / `init-failed` come only once, before this engine exists
    }
  }

  private apply(update: EngineUpdate): void {
    this.lastStats = update.stats;
    // Events first: when a reader sees a request's end, the recorder has seen it too.
    this.relay?.replay(update.metrics);
    for (const o of update.outputs) this.streams.get(o.requestId)?.push(fromWireOutput(o));
    for (const id of update.ended) {
      this.streams.get(id)?.end();
      this.streams.delete(id);
    }
    this.updateBusy();
  }

  private settle(call: number, value: unknown, error?: PagodaError): void {
    const p = this.pending.get(call);
    this.pending.delete(call);
    if (error === undefined) p?.resolve(value);
    else p?.reject(error);
    this.updateBusy();
  }

  private exited(exit: PortExit): void {
    if (this.gone === null) this.shutDown(exitError(exit));
  }

  /** Fails every open stream and call with `err`, and every later call too. */
  private shutDown(err: PagodaError): void {
    this.gone ??= err;
    for (const s of this.streams.values()) s.fail(err);
    this.streams.clear();
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.updateBusy();
  }

  private updateBusy(): void {
    this.port.setBusy?.(this.streams.size > 0 || this.pending.size > 0);
  }
}

function fromWireOutput(o: WireOutput): RequestOutput {
  const { error, ...rest } = o;
  return error === undefined ? rest : { ...rest, error: fromWire(error) };
}

function closedError(): EngineError {
  return new EngineError("engine.closed", "the engine is closed");
}

function exitError(exit: PortExit): EngineError {
  const why =
    exit.error !== undefined && exit.error !== null
      ? `: ${exit.error instanceof Error ? exit.error.message : String(exit.error)}`
      : exit.exitCode !== null
        ? ` with code ${exit.exitCode}`
        : "";
  return new EngineError("engine.worker_exited", `the engine worker exited${why}`, {
    details: { exitCode: exit.exitCode },
    ...(exit.error !== undefined && exit.error !== null && { cause: exit.error }),
  });
}
