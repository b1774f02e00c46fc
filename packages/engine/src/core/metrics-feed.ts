import type { MetricsRecorder } from "@pagoda/metrics";
import type { SchedulerOutput } from "@pagoda/scheduler";
import type { EngineFinishReason } from "./types.js";

/**
 * Turns the engine's lifecycle into `@pagoda/metrics` request events (seconds on one monotonic
 * clock). Without a recorder every call is a no-op, so the engine never checks.
 */
export class MetricsFeed {
  constructor(
    private readonly recorder: MetricsRecorder | undefined,
    private readonly clock: () => number = () => performance.now() / 1000,
  ) {}

  arrived(requestId: string, numPromptTokens: number): void {
    this.recorder?.record({ kind: "arrived", requestId, time: this.clock(), numPromptTokens });
  }

  /** Requests that got a slot (first time, or back after a preemption) and those preempted. */
  scheduled(out: SchedulerOutput): void {
    if (this.recorder === undefined) return;
    const time = this.clock();
    for (const requestId of out.preemptedReqIds) this.recorder.record({ kind: "preempted", requestId, time });
    for (const r of out.scheduledNewReqs)
      this.recorder.record({ kind: "scheduled", requestId: r.requestId, time });
  }

  tokens(requestId: string, numTokens: number): void {
    if (numTokens > 0) this.recorder?.record({ kind: "token", requestId, time: this.clock(), numTokens });
  }

  finished(requestId: string, reason: EngineFinishReason): void {
    this.recorder?.record({ kind: "finished", requestId, time: this.clock(), reason });
  }
}
