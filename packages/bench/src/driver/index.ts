export type { BenchResult, GoodputResult, LatencyMs } from "./bench-result.js";
export { RunCollector } from "./collector.js";
export { type GoodputSlo, meetsSlo, parseGoodput, type RequestTimings } from "./goodput.js";
export { PromptSource } from "./prompts.js";
export { kvBlocksFor, type SimulationOptions, type SimulationResult, simulate } from "./simulate.js";
export { calibratedPolicyOptions, sloPolicyOptions } from "./slo-options.js";
export type { StepSample } from "./step-sample.js";
export {
  type BenchRequest,
  buildTrace,
  promptTokens,
  type SyntheticDataset,
  type TraceOptions,
} from "./trace.js";
export { formatTraceFile, parseTraceFile } from "./trace-file.js";
