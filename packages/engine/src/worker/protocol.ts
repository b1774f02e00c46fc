import type { KvCacheDtype } from "@pagoda/kv-paging";
import type { RequestEvent, SchedulerState, StepRecord } from "@pagoda/metrics";
import type { SchedulerStats } from "@pagoda/scheduler";
import type { EngineInspection } from "../core/inspection.js";
import type { PromptInput, RequestOutput } from "../core/types.js";
import type { CreateEngineOptions, ResolvedDevice } from "../offline/create-engine.js";

// Every message is plain structured-clonable data: ids, numbers, strings, arrays. Errors travel as
// `WireError` and outputs as `WireOutput`, because a structured clone drops an error's class and code.

/** A `PagodaError` (or any thrown value) flattened for the trip between threads. */
export interface WireError {
  /** The class name in the thread that threw it (`SamplingParamsError`, `EngineError`, …). */
  name: string;
  /** `null` when the thrown value was not a `PagodaError`. */
  code: string | null;
  message: string;
  details: Record<string, unknown> | undefined;
  stack: string | undefined;
}

/** A {@link RequestOutput} whose `error` is a {@link WireError}. */
export type WireOutput = Omit<RequestOutput, "error"> & { error?: WireError };

/** One `MetricsRecorder` call the worker's engine made, replayed in order on the main thread. */
export type WireMetric =
  | { kind: "event"; event: RequestEvent }
  | { kind: "step"; step: StepRecord }
  | { kind: "state"; state: SchedulerState };

/**
 * The engine options that can cross a thread: no recorder, a policy only by its name or module
 * path (the worker imports the module: registration is per thread) with JSON options, and the
 * model as a string (a folder or hub id in Node; in a browser whatever the worker's build
 * function turns into files, e.g. a URL).
 */
export type WorkerInitOptions = Omit<
  CreateEngineOptions,
  "model" | "metrics" | "policy" | "onLoadProgress"
> & {
  model: string;
  /** A registered name or a module path / URL, which the worker thread imports itself. */
  policy?: string;
};

/** What the main thread learns about the engine once the worker has built it. */
export interface WorkerEngineInfo {
  /** Where the forward pass really runs (`auto` resolved). */
  device: ResolvedDevice;
  /** Prompt + `max_tokens` must fit in this many tokens. */
  maxModelLen: number;
  /** KV blocks on the device, the null block included. */
  numBlocks: number;
  /** Tokens per KV block. */
  blockSize: number;
  /** Element type of the KV cache (`auto` resolved). */
  kvCacheDtype?: KvCacheDtype;
  /** Bytes of the device KV cache. */
  kvCacheBytes?: number;
  /** Threads of the `cpu` (WebAssembly) executor; 1 where shared memory is unavailable. */
  threads?: number;
  /** Speculative decoding in one line (`ngram k=4 n=2..4`, `draft model DIR k=3`); absent when off. */
  speculative?: string;
  /** Drafts per request per step (k) when speculative decoding is on. */
  numSpeculativeTokens?: number;
}

/**
 * What changed in the worker since its previous message: outputs of one step (or of an abort),
 * the requests whose streams are complete, the metrics calls made meanwhile and the stats after.
 */
export interface EngineUpdate {
  outputs: WireOutput[];
  /** Requests that will send no more outputs (all their samples finished). */
  ended: string[];
  /** In the order the engine made them; empty unless the main thread asked for metrics. */
  metrics: WireMetric[];
  stats: SchedulerStats;
}

/** A request as {@link ToWorker} `submit` carries it; the main thread always names it. */
export interface WireRequest {
  requestId: string;
  prompt: PromptInput;
  params?: unknown;
}

/** Main thread → worker. `call` numbers a request that gets exactly one reply with the same number. */
export type ToWorker =
  | { type: "init"; options: WorkerInitOptions; metrics: boolean }
  | { type: "submit"; call: number; request: WireRequest }
  | { type: "abort"; call: number; requestId: string }
  | { type: "inspect"; call: number }
  | { type: "reset-prefix-cache"; call: number }
  | { type: "close"; call: number };

/** Worker → main thread. */
export type FromWorker =
  | {
      type: "ready";
      info: WorkerEngineInfo;
      stats: SchedulerStats;
      /** The worker's `performance.timeOrigin` in ms: metric times are relative to it. */
      timeOrigin: number;
    }
  | { type: "init-failed"; error: WireError }
  /** Weights loading, before `ready`: bytes so far and in all. */
  | { type: "progress"; loadedBytes: number; totalBytes: number }
  | { type: "accepted"; call: number; requestId: string; update: EngineUpdate }
  | { type: "rejected"; call: number; error: WireError }
  | { type: "step"; update: EngineUpdate }
  /** The step loop went idle: the stats and gauges with nothing left to step. */
  | { type: "idle"; update: EngineUpdate }
  | { type: "aborted"; call: number; aborted: boolean; update: EngineUpdate }
  | { type: "inspection"; call: number; inspection: EngineInspection }
  | { type: "prefix-cache-reset"; call: number; reset: boolean; stats: SchedulerStats }
  /** The step loop broke (a bug, not an executor error): every open stream fails with `error`. */
  | { type: "failed"; error: WireError; update: EngineUpdate }
  | { type: "closed"; call: number; update: EngineUpdate };
