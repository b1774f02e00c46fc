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
import { minTokensBan, parseSamplingParams, type SamplingDefaults } from "../sampling/index.js";
import { specDecodeCounts } from "../speculative/spec-decode-counts.js";
import { Speculation, type SpeculationOptions } from "../speculative/speculation.js";
import { GuidedMasks } from "../structured/guided-masks.js";
import { onceUnlessRejected } from "../structured/retry-on-failure.js";
import { StructuredDecoder } from "../structured/structured-decoder.js";
import { EngineRequest, sampleId, sampleParams } from "./engine-request.js";
import { EngineSample, type TextUpdate } from "./engine-sample.js";
import type { EngineInspection, StepSummary } from "./inspection.js";
import { MetricsFeed, type SampleLookup } from "./metrics-feed.js";
import { checkSamples, drawSeed, toTokenIds } from "./prepare.js";
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
  /** The model's vocabulary: `stop_token_ids` and `logit_bias` ids must be below it (checked when given). */
  vocabSize?: number;
  /** Request events and one `StepRecord` per step go here when given. */
  metrics?: MetricsRecorder;
  /** Draws the seed of a request that gave none (default: `Math.random`); recorded, so runs replay. */
  random?: () => number;
  /** Sampling values for fields a request leaves out: the model's `generationDefaults`. */
  samplingDefaults?: SamplingDefaults;
  /**
   * Speculative decoding: a proposer drafts up to `numSpeculativeTokens` tokens per decoding
   * request after each step, for the next step to verify (the executor must have been made for
   * that many). Requests with a grammar or asking for prompt log-probabilities get none.
   */
  speculative?: SpeculationOptions;
}

const NO_RESULT: ExecutorOutput = { sampledTokenIds: {}, logprobs: {} };

/**
 * The synchronous engine core: a step is schedule → execute → update → postprocess
 * (detokenize, stop strings, outputs), as in nano-vllm. A request with `n` samples is `n`
 * scheduler requests (sample 0 under the request's id, sample i under `id#i`) that share the
 * prompt's blocks; everything public works on the request's id.
 *
 * @example
 * engine.addRequest("a", "Once upon a time", { max_tokens: 32, temperature: 0 });
 * while (engine.hasUnfinished()) for (const o of await engine.step()) process.stdout.write(o.text);
 */
export class LLMEngine {
  private readonly requests = new Map<string, EngineRequest>();
  /** By scheduler id. */
  private readonly samples = new Map<string, EngineSample>();
  private readonly feed: MetricsFeed;
  /** Speculative decoding's proposer and its bookkeeping, when the engine speculates. */
  readonly speculation: Speculation | undefined;
  private lastStep: StepSummary | null = null;
  /** Grammar state of the constrained samples; the xgrammar decoder is built on first use. */
  private readonly guided: GuidedMasks;
  private readonly lookup: SampleLookup = (id) => {
    const r = this.samples.get(id)?.request;
    return r && { requestId: r.requestId, numPromptTokens: r.promptTokenIds.length };
  };

  constructor(private readonly options: LLMEngineOptions) {
    // Built on first use; a failed build (xgrammar did not load) is tried again by the next request.
    this.guided = new GuidedMasks(
      onceUnlessRejected(() =>
        StructuredDecoder.create(options.tokenizer, options.vocabSize ?? 0, options.eosTokenIds),
      ),
    );
    this.feed = new MetricsFeed(options.metrics, options.scheduler.stats());
    this.speculation = options.speculative && new Speculation(options.scheduler, options.speculative);
  }

  /**
   * Validates and queues a request and its `n` samples; sample `i` samples with seed
   * `seed + i`. Throws `SamplingParamsError` for bad parameters (naming the field), a prompt +
   * `max_tokens` beyond the context or `n` above the scheduler's `maxNumSeqs`, and `EngineError`
   * for a bad prompt or an id in flight.
   */
  addRequest(requestId: string, prompt: PromptInput, params?: unknown): void {
    const { scheduler, tokenizer, maxModelLen } = this.options;
    if (this.requests.has(requestId)) {
      throw new EngineError("engine.duplicate_request", `request '${requestId}' is already in flight`);
    }
    const promptTokenIds = toTokenIds(prompt, tokenizer);
    const { vocabSize, samplingDefaults } = this.options;
    const parsed = parseSamplingParams(params, {
      maxModelLen,
      numPromptTokens: promptTokenIds.length,
      ...(vocabSize !== undefined && { vocabSize }),
      ...(samplingDefaults !== undefined && { defaults: samplingDefaults }),
    });
    checkSamples(parsed, scheduler.maxNumSeqs);
    if (parsed.guided !== null && vocabSize === undefined) {
      throw new EngineError("engine.no_vocab_size", "guided decoding needs the engine's vocabSize option");
    }
    const seed = parsed.sampling.seed ?? drawSeed(this.options.random ?? Math.random);
    const sampling = { ...parsed.sampling, seed, ...minTokensBan(parsed, this.options.eosTokenIds) };
    const ids = Array.from({ length: parsed.n }, (_, i) => sampleId(requestId, i));
    for (const id of ids) {
      const owner = this.samples.get(id)?.request.requestId;
      if (owner !== undefined) {
        throw new EngineError("engine.duplicate_request", `id '${id}' is in use by a sample of '${owner}'`);
      }
    }
    scheduler.addRequest({
      requestId,
      promptTokenIds,
      params: sampleParams(sampling, 0),
      forks: ids.slice(1).map((id, i) => ({ requestId: id, params: sampleParams(sampling, i + 1) })),
      priority: parsed.priority,
      ttftTargetMs: parsed.ttftTargetMs,
      tpotTargetMs: parsed.tpotTargetMs,
      ...(parsed.tenant !== null && { tenant: parsed.tenant }),
      ...(parsed.cacheSalt !== null && { extraKeys: { cacheSalt: parsed.cacheSalt } }),
    });
    const request = new EngineRequest(requestId, promptTokenIds, { ...parsed, sampling });
    ids.forEach((id, i) => {
      const sample = new EngineSample(request, i, id, tokenizer);
      request.samples.push(sample);
      this.samples.set(id, sample);
    });
    if (parsed.guided !== null) for (const id of ids) this.guided.add(id, parsed.guided);
    this.requests.set(requestId, request);
    this.feed.arrived(requestId, promptTokenIds.length, parsed.n);
  }

  /** True while any request is queued, running or swapped out. */
  hasUnfinished(): boolean {
    return this.requests.size > 0;
  }

  /** Scheduler and KV-cache state now. */
  stats(): SchedulerStats {
    return this.options.scheduler.stats();
  }

  /** Drops every cached prefix when no request holds KV blocks; false, changing nothing, otherwise. */
  resetPrefixCache(): boolean {
    return this.options.scheduler.resetPrefixCache();
  }

  /**
   * Records the scheduler's gauges now (the recorder's `recordState`). Steps and aborts record
   * them already; a loop calls this when it goes idle so nothing stale outlives the last change.
   */
  publishState(): void {
    this.feed.state(this.options.scheduler.stats());
  }

  /** Who waits, runs and is swapped out, who holds each KV block, and what the last step computed. */
  inspect(): EngineInspection {
    return { ...this.options.scheduler.inspect(), lastStep: this.lastStep };
  }

  /** Ids of the requests in flight (one per request, whatever its `n`). */
  requestIds(): string[] {
    return [...this.requests.keys()];
  }

  /**
   * One step. An executor failure fails only the requests of this step (`finishReason: "error"`,
   * every sample) and the engine goes on serving the rest.
   */
  async step(): Promise<RequestOutput[]> {
    const { scheduler, executor } = this.options;
    const failed = this.guided.size > 0 ? await this.failUncompiled() : [];
    const out = scheduler.schedule();
    const late =
      this.guided.size > 0 ? await this.guided.prepare(out, executor.takesLateMasks === true) : undefined;
    this.feed.scheduled(out, this.lookup);
    const shape = this.feed.shape(out, this.lookup);
    const start = performance.now();
    let result: ExecutorOutput;
    try {
      result = await executor.execute(out, late);
    } catch (err) {
      return [...failed, ...this.failStep(out, err)];
    }
    const seconds = (performance.now() - start) / 1000;
    for (const [id, chunk] of Object.entries(result.promptLogprobs ?? {})) {
      this.samples.get(id)?.request.notePromptLogprobs(chunk);
    }
    const updates = scheduler.update(out, result);
    const texts = updates.map((u) =>
      this.samples.get(u.requestId)?.consume(u.newTokenIds, u.stopTokenId, u.finishReason !== null),
    );
    const kept = updates.map((u, i) => keptTokens(u, texts[i]));
    this.feed.tokens(kept, this.lookup);
    const outputs: RequestOutput[] = [...failed];
    kept.forEach((update, i) => {
      this.guided.accept(update.requestId, update.newTokenIds);
      const o = this.postprocess(update, texts[i]);
      if (o !== null) outputs.push(o);
    });
    const proposeStart = performance.now();
    if (this.speculation !== undefined) await this.speculation.propose(this.draftable(kept));
    // Drafting is decode work: its time counts in the step's.
    const proposeSeconds = (performance.now() - proposeStart) / 1000;
    this.feed.step(shape, seconds + proposeSeconds, scheduler.stats(), specDecodeCounts(updates));
    this.lastStep = {
      numPrefillTokens: shape.numPrefillTokens,
      numDecodeTokens: shape.numDecodeTokens,
      numSeqs: shape.batch.numNewTokens.length,
    };
    return outputs;
  }

  /**
   * Aborts a request in any state, every sample of it, freeing their blocks at once. Returns an
   * output per sample still going (the last one `finished`); empty when it is not in flight.
   */
  abort(requestId: string): RequestOutput[] {
    const request = this.requests.get(requestId);
    if (request === undefined) return [];
    const outputs: RequestOutput[] = [];
    for (const s of request.samples) {
      if (s.finished) continue;
      // Aborting sample 0 before the fork also cancels the samples waiting on it: false for them.
      this.options.scheduler.abort(s.schedulerId);
      outputs.push(this.finish(s, "abort", null, "", [], null));
    }
    // No step follows an abort when nothing else runs: the gauges must not wait for one.
    if (outputs.length > 0) this.publishState();
    return outputs;
  }

  // Samples whose grammar does not compile end with an error before they are ever scheduled.
  private async failUncompiled(): Promise<RequestOutput[]> {
    const outputs: RequestOutput[] = [];
    for (const [id, err] of await this.guided.compileNew()) {
      const s = this.samples.get(id);
      if (s === undefined || s.finished) continue;
      this.options.scheduler.finishRequest(id, "abort");
      const error = isPagodaError(err)
        ? err
        : new EngineError("engine.bad_guided", `the grammar did not compile: ${String(err)}`, { cause: err });
      outputs.push({ ...this.finish(s, "error", null, "", [], null), error });
    }
    return outputs;
  }

  // Samples that go on and may take drafts: no grammar (its masks are per token), no prompt logprobs.
  private draftable(updates: readonly SchedulerRequestOutput[]): string[] {
    const ids: string[] = [];
    for (const u of updates) {
      const params = this.samples.get(u.requestId)?.request.params;
      if (params === undefined || u.finishReason !== null) continue;
      if (params.guided === null && params.sampling.promptLogprobs == null) ids.push(u.requestId);
    }
    return ids;
  }

  private postprocess(u: SchedulerRequestOutput, t: TextUpdate | undefined): RequestOutput | null {
    const s = this.samples.get(u.requestId);
    if (s === undefined || t === undefined) return null;
    s.numOutputTokens += t.numTokens;
    const { text, stop } = t;
    if (stop !== null) {
      if (u.finishReason === null) this.options.scheduler.finishRequest(u.requestId, "stop");
      return this.finish(s, "stop", stop, text, u.newTokenIds, u.logprobs);
    }
    if (u.finishReason !== null) {
      const eos = u.stopTokenId !== null && this.options.eosTokenIds.includes(u.stopTokenId);
      return this.finish(s, u.finishReason, eos ? null : u.stopTokenId, text, u.newTokenIds, u.logprobs);
    }
    return output(s, text, u.newTokenIds, u.logprobs, null, null);
  }

  private failStep(out: SchedulerOutput, err: unknown): RequestOutput[] {
    const { scheduler } = this.options;
    const error: PagodaError = isPagodaError(err)
      ? err
      : new EngineError("engine.executor_failed", `the executor failed a step: ${String(err)}`, {
          cause: err,
        });
    const failed = new Set<EngineRequest>();
    for (const r of [...out.scheduledNewReqs, ...out.scheduledCachedReqs]) {
      const request = this.samples.get(r.requestId)?.request;
      if (request !== undefined) failed.add(request); // else aborted while the step ran
    }
    const going = [...failed].flatMap((r) => r.samples.filter((s) => !s.finished));
    for (const s of going) scheduler.finishRequest(s.schedulerId, "abort");
    scheduler.update(out, NO_RESULT); // every scheduled request is finished, so nothing is appended
    this.publishState(); // a failed step records no step, but its requests' blocks are free
    return going.map((s) => ({ ...this.finish(s, "error", null, "", [], null), error }));
  }

  private finish(
    s: EngineSample,
    reason: EngineFinishReason,
    stopReason: string | number | null,
    text: string,
    tokenIds: number[],
    logprobs: SchedulerRequestOutput["logprobs"],
  ): RequestOutput {
    s.finished = true;
    this.samples.delete(s.schedulerId);
    this.guided.drop(s.schedulerId);
    this.speculation?.drop(s.schedulerId);
    const { request } = s;
    if (request.noteFinished()) {
      this.requests.delete(request.requestId);
      this.feed.finished(request.requestId, reason); // the last sample's reason is the request's
    }
    return output(s, text, tokenIds, logprobs, reason, stopReason);
  }
}

/**
 * A stop string found at an earlier token of the step (accepted drafts bring several) ends the
 * sample there: the tokens after it, their log-probabilities and any stop token are not output.
 */
function keptTokens(u: SchedulerRequestOutput, t: TextUpdate | undefined): SchedulerRequestOutput {
  if (t === undefined || t.numTokens === u.newTokenIds.length) return u;
  return {
    ...u,
    newTokenIds: u.newTokenIds.slice(0, t.numTokens),
    logprobs: u.logprobs?.slice(0, t.numTokens) ?? null,
    stopTokenId: null,
  };
}

function output(
  s: EngineSample,
  text: string,
  tokenIds: number[],
  logprobs: SchedulerRequestOutput["logprobs"],
  finishReason: EngineFinishReason | null,
  stopReason: string | number | null,
): RequestOutput {
  const prompt = s.sentPromptLogprobs ? null : s.request.promptLogprobs();
  if (prompt !== null) s.sentPromptLogprobs = true;
  return {
    requestId: s.request.requestId,
    index: s.index,
    text,
    tokenIds,
    logprobs,
    ...(prompt !== null && { promptLogprobs: prompt }),
    finishReason,
    stopReason,
    finished: s.request.finished,
    usage: s.request.usage(),
  };
}
