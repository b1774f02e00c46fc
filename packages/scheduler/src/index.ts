export * from "./contract/index.js";
export { SchedulerError } from "./errors.js";
export type { SchedulerOptions } from "./options.js";
export * from "./policies/index.js";
export type { PreemptionMode } from "./preemption.js";
export type { FinishReason, NewRequest, RequestStatus, RequestView, SampleFork } from "./request.js";
export { type RequestOutput, Scheduler, type SchedulerInspection, type SchedulerStats } from "./scheduler.js";
