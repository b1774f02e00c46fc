import { isPagodaError, type PagodaError } from "@pagoda/errors";
import type { MetricsRecorder } from "@pagoda/metrics";
import type { Decoder } from "@pagoda/model-loaders";
import type {
  Executor,
  ExecutorOutput,
  Scheduler,
  SchedulerOutput,
  RequestOutput as SchedulerRequestOutput,
  SchedulerStats,
} from "@pagoda/scheduler";
import { EngineError } from "../errors.js";
import { parseSamplingParams } from "../sampling/index.js";
import { EngineRequest } from "./engine-request.js";
import { MetricsFeed } from "./metrics-feed.js";
import { checkParams, drawSeed, toTokenIds } from "./prepare.js";
import type { EngineFinishReason, PromptInput, RequestOutput } from "./types.js";

/** The tokenizer calls the engine makes. */
export interface EngineTokenizer extends Decoder {
  encode(text: string): number[];
}

/** What an {@link LLMEngine} is built from. */
export interface LLMEngineOptions {
  scheduler: Scheduler;
  executor: Executor;
  tokenizer: EngineTokenizer;
  /** The model's EOS ids (the scheduler stops on them too); a stop on one has `stopReason: null`. */
  eosTokenIds: readonly number[];
  /** The model's context length: prompt + `max_tokens` must fit. */
  maxModelLen: number;
  /** Per-request timing events go here when given. */
  metrics?: MetricsRecorder;
  /** Draws the seed of a request that gave none (default: `Math.random`); recorded, so runs replay. */
  random?: () => number;
}

const NO_RESULT: ExecutorOutput = { sampledTokenIds: {}, logprobs: {} };

/**
 * The synchronous engine core: a step is schedule → execute → update → postprocess
 * (detokenize, stop strings, outputs), as in nano-vllm.
 *
 * @example
 * engine.addRequest("a", "Once upon a time", { max_tokens: 32, temperature: 0 });
 * while (engine.hasUnfinished()) for (const o of await engine.step()) process.stdout.write(o.text);
 */
export class LLMEngine {
  private readonly requests = new Map<string, EngineRequest>();
  private readonly feed: MetricsFeed;

  constructor(private readonly options: LLMEngineOptions) {
    this.feed = new MetricsFeed(options.metrics);
  }

  /**
   * Validates and queues a request. Throws `SamplingParamsError` for bad parameters (naming the
   * field) or a prompt + `max_tokens` beyond the context, and `EngineError` for a bad prompt.
   */
  addRequest(requestId: string, prompt: PromptInput, params?: unknown): void {
    const { scheduler, tokenizer, maxModelLen } = this.options;
    if (this.requests.has(requestId)) {
      throw new EngineError("engine.duplicate_request", `request '${requestId}' is already in flight`);
    }
    const promptTokenIds = toTokenIds(prompt, tokenizer);
    const parsed = parseSamplingParams(params, { maxModelLen, numPromptTokens: promptTokenIds.length });
    checkParams(parsed);
    parsed.sampling.seed ??= drawSeed(this.options.random ?? Math.random);
    scheduler.addRequest({
      requestId,
      promptTokenIds,
      params: parsed.sampling,
      priority: parsed.priority,
      ttftTargetMs: parsed.ttftTargetMs,
      tpotTargetMs: parsed.tpotTargetMs,
    });
    this.requests.set(requestId, new EngineRequest(requestId, promptTokenIds, parsed, tokenizer));
    this.feed.arrived(requestId, promptTokenIds.length);
  }

  /** True while any request is queued, running or swapped out. */
  hasUnfinished(): boolean {
    return this.requests.size > 0;
  }

  /** Scheduler and KV-cache state now. */
  stats(): SchedulerStats {
    return this.options.scheduler.stats();
  }

  /** Ids of the requests in flight. */
  requestIds(): string[] {
    return [...this.requests.keys()];
  }

  /**
   * One step. An executor failure fails only the requests of this step (`finishReason: "error"`)
   * and the engine goes on serving the rest.
   */
  async step(): Promise<RequestOutput[]> {
    const { scheduler, executor } = this.options;
    const out = scheduler.schedule();
    this.feed.scheduled(out);
    let result: ExecutorOutput;
    try {
      result = await executor.execute(out);
    } catch (err) {
      return this.failStep(out, err);
    }
    const outputs: RequestOutput[] = [];
    for (const update of scheduler.update(out, result)) {
      const o = this.postprocess(update);
      if (o !== null) outputs.push(o);
    }
    return outputs;
  }

  /** Aborts a request in any state, freeing its blocks at once; `null` when it is not in flight. */
  abort(requestId: string): RequestOutput | null {
    const r = this.requests.get(requestId);
    if (r === undefined) return null;
    this.options.scheduler.abort(requestId);
    return this.finish(r, "abort", null, "", [], null);
  }

  private postprocess(u: SchedulerRequestOutput): RequestOutput | null {
    const r = this.requests.get(u.requestId);
    if (r === undefined) return null;
    this.feed.tokens(u.requestId, u.newTokenIds.length);
    const { text, stop } = r.consume(u.newTokenIds, u.stopTokenId, u.finishReason !== null);
    if (stop !== null) {
      if (u.finishReason === null) this.options.scheduler.finishRequest(u.requestId, "stop");
      return this.finish(r, "stop", stop, text, u.newTokenIds, u.logprobs);
    }
    if (u.finishReason !== null) {
      const eos = u.stopTokenId !== null && this.options.eosTokenIds.includes(u.stopTokenId);
      return this.finish(r, u.finishReason, eos ? null : u.stopTokenId, text, u.newTokenIds, u.logprobs);
    }
    return output(r, text, u.newTokenIds, u.logprobs, null, null);
  }

  private failStep(out: SchedulerOutput, err: unknown): RequestOutput[] {
    const { scheduler } = this.options;
    const error: PagodaError = isPagodaError(err)
      ? err
      : new EngineError("engine.executor_failed", `the executor failed a step: ${String(err)}`, {
          cause: err,
        });
    const ids = [...out.scheduledNewReqs, ...out.scheduledCachedReqs].map((r) => r.requestId);
    for (const id of ids) scheduler.finishRequest(id, "abort");
    scheduler.update(out, NO_RESULT); // every scheduled request is finished, so nothing is appended
    const outputs: RequestOutput[] = [];
    for (const id of ids) {
      const r = this.requests.get(id);
      if (r !== undefined) outputs.push({ ...this.finish(r, "error", null, "", [], null), error });
    }
    return outputs;
  }

  private finish(
    r: EngineRequest,
    reason: EngineFinishReason,
    stopReason: string | number | null,
    text: string,
    tokenIds: number[],
    logprobs: SchedulerRequestOutput["logprobs"],
  ): RequestOutput {
    this.requests.delete(r.requestId);
    this.feed.finished(r.requestId, reason);
    return output(r, text, tokenIds, logprobs, reason, stopReason);
  }
}

function output(
  r: EngineRequest,
  text: string,
  tokenIds: number[],
  logprobs: SchedulerRequestOutput["logprobs"],
  finishReason: EngineFinishReason | null,
  stopReason: string | number | null,
): RequestOutput {
  return {
    requestId: r.requestId,
    index: 0,
    text,
    tokenIds,
    logprobs,
    finishReason,
    stopReason,
    usage: r.usage(),
  };
}
