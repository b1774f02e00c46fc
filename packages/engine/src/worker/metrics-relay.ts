import type { MetricsRecorder } from "@pagoda/metrics";
import type { WireMetric } from "./protocol.js";

/**
 * Replays the worker engine's metrics calls on the main thread's recorder. Event times are
 * `performance.now() / 1000` in the worker; a Web Worker's clock starts when the worker does
 * (Node 20's worker threads happen to share the process's `timeOrigin`), so the relay shifts them
 * onto this thread's clock and request events from both threads can be compared.
 */
export class MetricsRelay {
  /** Seconds to add to a worker time to get the same instant on this thread's clock. */
  readonly offset: number;

  constructor(
    private readonly recorder: MetricsRecorder,
    workerTimeOrigin: number,
  ) {
    this.offset = (workerTimeOrigin - performance.timeOrigin) / 1000;
  }

  /** Records the calls in the order the worker's engine made them. */
  replay(metrics: readonly WireMetric[]): void {
    for (const m of metrics) {
      if (m.kind === "step") this.recorder.recordStep(m.step);
      else if (m.kind === "state") this.recorder.recordState(m.state);
      else this.recorder.record({ ...m.event, time: m.event.time + this.offset });
    }
  }
}
