import { type FinishedRequest, type FinishReason, MetricsRecorder, type StepRecord } from "@pagoda/metrics";
import { type BenchResult, toLatencyMs } from "./bench-result.js";
import { type GoodputSlo, meetsSlo } from "./goodput.js";

/**
 * Collects one run's request events (on any clock, in seconds) into a `MetricsRecorder` and
 * turns them into a {@link BenchResult}. Both the simulator and the HTTP client feed it, so
 * their figures are computed the same way.
 */
export class RunCollector {
  /** The recorder behind the figures: percentiles come from its sketches (1 % relative error). */
  readonly recorder = new MetricsRecorder();
  private readonly finished: FinishedRequest[] = [];
  private numFailed = 0;
  private firstArrival = Number.POSITIVE_INFINITY;
  private lastFinish = Number.NEGATIVE_INFINITY;

  constructor() {
    this.recorder.addSink({ requestFinished: (r) => this.finished.push(r) });
  }

  arrived(requestId: string, time: number, numPromptTokens: number): void {
    this.recorder.record({ kind: "arrived", requestId, time, numPromptTokens });
    if (time < this.firstArrival) this.firstArrival = time;
  }

  scheduled(requestId: string, time: number): void {
    this.recorder.record({ kind: "scheduled", requestId, time });
  }

  preempted(requestId: string, time: number): void {
    this.recorder.record({ kind: "preempted", requestId, time });
  }

  tokens(requestId: string, time: number, numTokens: number): void {
    this.recorder.record({ kind: "token", requestId, time, numTokens });
  }

  finish(requestId: string, time: number, reason: FinishReason): void {
    this.recorder.record({ kind: "finished", requestId, time, reason });
    if (reason === "abort" || reason === "error") this.numFailed++;
    if (time > this.lastFinish) this.lastFinish = time;
  }

  /** Counts a request that never ran (rejected before it arrived: too long, refused by the server). */
  rejected(): void {
    this.numFailed++;
  }

  step(record: StepRecord): void {
    this.recorder.recordStep(record);
  }

  /** Every finished request's timings, in finishing order. */
  requests(): readonly FinishedRequest[] {
    return this.finished;
  }

  /** The run's figures; `slo` adds goodput. */
  result(slo?: GoodputSlo): BenchResult {
    const snap = this.recorder.snapshot();
    const ok = this.finished.filter((r) => r.reason === "stop" || r.reason === "length");
    const duration = ok.length === 0 ? 0 : Math.max(0, this.lastFinish - this.firstArrival);
    const perSecond = (n: number) => (duration > 0 ? n / duration : 0);
    let input = 0;
    let output = 0;
    for (const r of ok) {
      input += r.numPromptTokens;
      output += r.numGenerationTokens;
    }
    const met = slo === undefined ? 0 : ok.filter((r) => meetsSlo(r, slo)).length;
    return {
      completed: ok.length,
      failed: this.numFailed,
      duration_s: duration,
      request_throughput: perSecond(ok.length),
      output_throughput: perSecond(output),
      total_token_throughput: perSecond(input + output),
      total_input_tokens: input,
      total_output_tokens: output,
      ttft_ms: toLatencyMs(snap.latency.ttft),
      tpot_ms: toLatencyMs(snap.latency.tpot),
      itl_ms: toLatencyMs(snap.latency.itl),
      e2e_ms: toLatencyMs(snap.latency.e2e),
      goodput:
        slo === undefined
          ? null
          : { slo, request_goodput: perSecond(met), fraction: ok.length === 0 ? 0 : met / ok.length },
    };
  }
}
