import type { StepBottleneck } from "../bottleneck/roofline.js";
import type { SchedulerState, StepRecord } from "../events.js";
import type { FinishedRequest } from "./finished-request.js";

/**
 * A listener the recorder pushes every observation to, as it happens: the Prometheus exporter is
 * one; a benchmark collecting per-request records is another. Every method is optional.
 */
export interface MetricsSink {
  /** A request's first tokens came: its time to first token; its prompt tokens now count as done. */
  firstToken?(ttftSeconds: number, numPromptTokens: number, numTokens: number): void;
  /** A request's later tokens came, `gapSeconds` (one inter-token latency) after its previous ones. */
  nextToken?(gapSeconds: number, numTokens: number): void;
  /** A request finished. */
  requestFinished?(request: FinishedRequest): void;
  /** A step was recorded, with its bottleneck report when the recorder has a model and device. */
  step?(step: StepRecord, bottleneck: StepBottleneck | null): void;
  /** The scheduler's gauges changed between steps (an abort, the engine going idle). */
  state?(state: SchedulerState): void;
}
