export {
  DEVICE_PROFILES,
  type DeviceProfile,
  type DeviceProfileName,
  ridgePoint,
} from "./bottleneck/device-profiles.js";
export { type MeasureHostOptions, measureHostProfile } from "./bottleneck/measure-host.js";
export { LLAMA_2_7B } from "./bottleneck/model-presets.js";
export {
  kvBytesPerToken,
  type ModelParamCounts,
  type ModelShape,
  modelParamCounts,
  validateModelShape,
} from "./bottleneck/model-shape.js";
export { analyzeStep, type Bound, classifyStep, type StepBottleneck } from "./bottleneck/roofline.js";
export { type StepCost, stepCost } from "./bottleneck/step-cost.js";
export { MetricsError } from "./errors.js";
export {
  FINISH_REASONS,
  type FinishReason,
  type RequestArrived,
  type RequestEvent,
  type RequestFinished,
  type RequestPreempted,
  type RequestScheduled,
  type RequestToken,
  type SchedulerState,
  type SpecDecodeStep,
  type StepBatchShape,
  type StepRecord,
} from "./events.js";
export type { FinishedRequest } from "./recorder/finished-request.js";
export { MetricsRecorder, type MetricsRecorderOptions } from "./recorder/metrics-recorder.js";
export type { LatencySnapshot, RequestCountsSnapshot } from "./recorder/request-stats.js";
export type { MetricsSink } from "./recorder/sink.js";
export type { SpecDecodeSnapshot } from "./recorder/spec-decode-stats.js";
export type { BottleneckSnapshot, SchedulerSnapshot, StepsSnapshot } from "./recorder/step-stats.js";
export {
  DEFAULT_RELATIVE_ERROR,
  nearestRank,
  QuantileSketch,
  type QuantileSketchOptions,
} from "./sketch/quantile-sketch.js";
export { type DistributionSummary, summarize } from "./sketch/summary.js";
export type { MetricsSnapshot, ThroughputSnapshot } from "./snapshot.js";
