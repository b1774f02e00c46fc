import type { StepBottleneck } from "@pagoda/metrics";
import { MetricsRecorder, type RequestEvent, type SchedulerState, type StepRecord } from "@pagoda/metrics";
import type { WireMetric } from "./protocol.js";

/**
 * The worker's stand-in for the main thread's recorder: it keeps every `record` / `recordStep`
 * call the engine makes, in order, until {@link take} hands them over with the next message.
 * The real recorder (and its validation and sketches) lives on the main thread.
 */
export class ForwardingRecorder extends MetricsRecorder {
  private pending: WireMetric[] = [];

  override record(event: RequestEvent): void {
    this.pending.push({ kind: "event", event });
  }

  /** Returns null: the bottleneck report is the main thread's recorder's to compute. */
  override recordStep(step: StepRecord): StepBottleneck | null {
    this.pending.push({ kind: "step", step });
    return null;
  }

  override recordState(state: SchedulerState): void {
    this.pending.push({ kind: "state", state });
  }

  /** The calls made since the previous `take`. */
  take(): WireMetric[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
