import type { SchedulerStats } from "@pagoda/scheduler";
import type { EngineInspection } from "../core/inspection.js";
import type { PromptInput, RequestOutput } from "../core/types.js";

/** A request for {@link EngineClient.submit}. */
export interface EngineRequestInput {
  /** Default: a fresh `req-N`. */
  requestId?: string;
  prompt: PromptInput;
  /** Sampling parameters in snake_case, as `parseSamplingParams` takes them. */
  params?: unknown;
}

/**
 * What an API layer (the HTTP server, a UI) needs from an engine, whether the engine core runs
 * in this thread ({@link AsyncEngine}) or in a worker (`WorkerEngine`): both implement it, so a
 * server is written once.
 */
export interface EngineClient {
  /**
   * Validates and queues a request. Rejects with the typed error (bad sampling parameter, prompt
   * + `max_tokens` beyond the context, duplicate id) before any output exists; otherwise resolves
   * to the request's outputs. Leaving the iteration early (`break`) aborts the request.
   */
  submit(request: EngineRequestInput): Promise<AsyncIterable<RequestOutput>>;
  /** Stops a request in any state; its blocks are free once this resolves. False when not in flight. */
  abort(requestId: string): Promise<boolean>;
  /**
   * Scheduler and KV-cache state as of the engine's last report: a step, an admitted request, an
   * abort, the loop going idle (cheap: no round trip).
   */
  stats(): SchedulerStats;
  /** Request ids by state, who holds each KV block and the last step's batch (a live view). */
  inspect(): Promise<EngineInspection>;
  /**
   * Drops every cached prefix (vLLM's `reset_prefix_cache`), e.g. between benchmark runs.
   * Resolves false, changing nothing, while any request holds KV blocks.
   */
  resetPrefixCache(): Promise<boolean>;
  /** Aborts whatever is in flight and releases the executor (and the worker, if any). */
  close(): Promise<void>;
}
