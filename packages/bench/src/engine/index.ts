export { RecordingExecutor } from "./recording-executor.js";
export { type EngineRunResult, type MeasuredStep, type RunEngineOptions, runEngine } from "./run-engine.js";
export { type SpecDecodeSummary, specDecodeSummary } from "./spec-decode-summary.js";
export { type StepShape, StepShapeTracker } from "./step-shape.js";
