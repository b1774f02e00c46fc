export type { Executor, LateStepInputs } from "./executor.js";
export type { ExecutorOutput, PromptLogprobsChunk, TokenLogprobs } from "./executor-output.js";
export { greedyParams, type SamplingParams } from "./sampling-params.js";
export type { CachedRequestData, NewRequestData, SchedulerOutput } from "./scheduler-output.js";
