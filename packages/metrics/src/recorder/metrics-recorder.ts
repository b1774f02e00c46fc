import { type DeviceProfile, ridgePoint } from "../bottleneck/device-profiles.js";
import {
  type ModelParamCounts,
  type ModelShape,
  modelParamCounts,
  validateModelShape,
} from "../bottleneck/model-shape.js";
import { analyzeStep, type StepBottleneck } from "../bottleneck/roofline.js";
import { assertCount, assertTime, badValue, isCount, MetricsError } from "../errors.js";
import {
  FINISH_REASONS,
  type FinishReason,
  type RequestEvent,
  type SchedulerState,
  type StepRecord,
} from "../events.js";
import { DEFAULT_RELATIVE_ERROR } from "../sketch/quantile-sketch.js";
import type { MetricsSnapshot } from "../snapshot.js";
import { finishedRequest, newRequestState, type RequestState } from "./request-state.js";
import { RequestStats } from "./request-stats.js";
import type { MetricsSink } from "./sink.js";
import { SpecDecodeStats } from "./spec-decode-stats.js";
import { StepStats } from "./step-stats.js";
import { validateState, validateStep } from "./validate-step.js";

/** Options of a {@link MetricsRecorder}. */
export interface MetricsRecorderOptions {
  /** Relative error bound of every percentile; default 0.01. */
  readonly relativeError?: number;
  /** Model and device for the per-step bottleneck report; without them it is off. */
  readonly bottleneck?: { readonly model: ModelShape; readonly device: DeviceProfile };
}

const FINISH_REASON_SET: ReadonlySet<string> = new Set(FINISH_REASONS);

/**
 * Turns the engine's request events and step records into latency distributions, counters and
 * gauges. Memory is bounded: one small record per request in flight plus fixed-size sketches.
 *
 * @example
 * const rec = new MetricsRecorder();
 * rec.record({ kind: "arrived", requestId: "a", time: 0, numPromptTokens: 12 });
 * rec.record({ kind: "scheduled", requestId: "a", time: 0.01 });
 * rec.record({ kind: "token", requestId: "a", time: 0.05 });
 * rec.record({ kind: "finished", requestId: "a", time: 0.05, reason: "length" });
 * rec.snapshot().latency.ttft.p50; // ≈ 0.05
 */
export class MetricsRecorder {
  private readonly inFlight = new Map<string, RequestState>();
  private readonly requests: RequestStats;
  private readonly steps: StepStats;
  private readonly specDecode = new SpecDecodeStats();
  private readonly sinks: MetricsSink[] = [];
  private model: ModelShape | undefined;
  private device: DeviceProfile | undefined;
  private params: ModelParamCounts | undefined;
  private startTime = Number.NaN;
  private endTime = Number.NaN;

  constructor(options: MetricsRecorderOptions = {}) {
    const relativeError = options.relativeError ?? DEFAULT_RELATIVE_ERROR;
    this.requests = new RequestStats(relativeError);
    this.steps = new StepStats(relativeError);
    if (options.bottleneck) this.setBottleneck(options.bottleneck);
  }

  /**
   * Turns the per-step bottleneck report on from now on, for a recorder made before the model was
   * loaded (a server starts listening first); throws `metrics.bad_model_shape` for a bad shape.
   */
  setBottleneck(b: { readonly model: ModelShape; readonly device: DeviceProfile }): void {
    validateModelShape(b.model);
    this.model = b.model;
    this.device = b.device;
    this.params = modelParamCounts(b.model);
  }

  /** Adds a sink that sees every observation from now on; returns a function that removes it. */
  addSink(sink: MetricsSink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  /** Requests that arrived and have not finished. */
  get numInFlight(): number {
    return this.inFlight.size;
  }

  /** Records one request event; throws a `metrics.*` error for events that contradict earlier ones. */
  record(event: RequestEvent): void {
    // Checked inline: building the field name for every token would cost more than the rest.
    if (!Number.isFinite(event.time)) assertTime(event.time, `${event.kind}.time`);
    if (event.kind === "arrived") {
      this.arrive(event.requestId, event.time, event.numPromptTokens, event.n ?? 1);
      return;
    }
    const s = this.stateOf(event.requestId, event.time);
    switch (event.kind) {
      case "token":
        this.token(s, event.time, event.numTokens ?? 1);
        break;
      case "scheduled":
        if (Number.isNaN(s.firstScheduledTime)) s.firstScheduledTime = event.time;
        break;
      case "preempted":
        s.numPreemptions++;
        break;
      case "finished":
        this.finish(event.requestId, s, event.time, event.reason);
        break;
      default:
        throw new MetricsError("metrics.bad_event", `unknown event kind ${(event as { kind: string }).kind}`);
    }
    s.lastEventTime = event.time;
    if (!(event.time <= this.endTime)) this.endTime = event.time;
  }

  /**
   * Records one engine step; returns its bottleneck report (null without a model and device, or
   * when the step carries no batch shape).
   */
  recordStep(step: StepRecord): StepBottleneck | null {
    validateStep(step);
    let report: StepBottleneck | null = null;
    if (step.batch && this.model && this.device) {
      report = analyzeStep(this.model, this.device, step.batch, this.params);
    }
    this.steps.add(step, report);
    if (step.specDecode !== undefined) this.specDecode.add(step.specDecode);
    for (const sink of this.sinks) sink.step?.(step, report);
    return report;
  }

  /**
   * Records the scheduler's gauges between steps (after an abort, or when the engine goes idle),
   * so they do not keep the latest step's values while nothing runs.
   */
  recordState(state: SchedulerState): void {
    validateState(state);
    this.steps.setState(state);
    for (const sink of this.sinks) sink.state?.(state);
  }

  /** Every figure as plain, JSON-serialisable data. */
  snapshot(): MetricsSnapshot {
    const counts = this.requests.counts(this.inFlight.size);
    const span = this.endTime - this.startTime;
    const perSecond = (n: number) => (span > 0 ? n / span : null);
    return {
      requests: counts,
      latency: this.requests.latency(),
      throughput: {
        startTime: Number.isNaN(this.startTime) ? null : this.startTime,
        endTime: Number.isNaN(this.endTime) ? null : this.endTime,
        requestsPerSecond: perSecond(counts.finished),
        promptTokensPerSecond: perSecond(counts.promptTokens),
        generationTokensPerSecond: perSecond(counts.generationTokens),
      },
      scheduler: this.steps.scheduler(),
      steps: this.steps.steps(),
      bottleneck: this.device ? this.steps.bottleneck(this.device.name, ridgePoint(this.device)) : null,
      specDecode: this.specDecode.snapshot(),
    };
  }

  private arrive(requestId: string, time: number, numPromptTokens: number, n: number): void {
    if (this.inFlight.has(requestId)) {
      throw new MetricsError("metrics.duplicate_request", `request ${requestId} arrived twice`, {
        details: { requestId },
      });
    }
    assertCount(numPromptTokens, "arrived.numPromptTokens");
    if (!(isCount(n) && n >= 1)) throw badValue("arrived.n", n, "an integer ≥ 1");
    this.inFlight.set(requestId, newRequestState(time, numPromptTokens, n));
    this.requests.arrived++;
    if (!(time >= this.startTime)) this.startTime = time;
    if (!(time <= this.endTime)) this.endTime = time;
  }

  private stateOf(requestId: string, time: number): RequestState {
    const s = this.inFlight.get(requestId);
    if (s === undefined) {
      throw new MetricsError("metrics.unknown_request", `no request ${requestId} in flight`, {
        details: { requestId },
      });
    }
    if (time < s.lastEventTime) {
      throw new MetricsError(
        "metrics.time_backwards",
        `event for request ${requestId} at ${time} s precedes its previous event at ${s.lastEventTime} s`,
        { details: { requestId, time, previous: s.lastEventTime } },
      );
    }
    return s;
  }

  private token(s: RequestState, time: number, numTokens: number): void {
    if (!(isCount(numTokens) && numTokens >= 1))
      throw badValue("token.numTokens", numTokens, "an integer ≥ 1");
    if (Number.isNaN(s.firstScheduledTime)) {
      throw new MetricsError(
        "metrics.token_before_scheduled",
        "a request produced tokens before it was scheduled",
      );
    }
    const stats = this.requests;
    if (s.numGenerationTokens === 0) {
      const ttft = time - s.arrivalTime;
      s.firstTokenTime = time;
      stats.ttft.add(ttft);
      stats.promptTokens += s.numPromptTokens;
      for (const sink of this.sinks) sink.firstToken?.(ttft, s.numPromptTokens, numTokens);
    } else {
      const gap = time - s.lastTokenTime;
      stats.itl.add(gap);
      for (const sink of this.sinks) sink.nextToken?.(gap, numTokens);
    }
    s.lastTokenTime = time;
    s.numGenerationTokens += numTokens;
    stats.generationTokens += numTokens;
  }

  private finish(requestId: string, s: RequestState, time: number, reason: FinishReason): void {
    if (!FINISH_REASON_SET.has(reason)) throw badValue("finished.reason", reason, FINISH_REASONS.join(" | "));
    const done = finishedRequest(requestId, s, time, reason);
    this.inFlight.delete(requestId);
    this.requests.addFinished(done);
    for (const sink of this.sinks) sink.requestFinished?.(done);
  }
}
