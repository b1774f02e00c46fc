// `@pagoda/scheduler/conformance`: the suite every policy passes, and the harness it runs on.
export { type ConformanceCase, type ConformanceOptions, conformanceCases } from "./cases.js";
export { FakeExecutor, type FakeExecutorOptions } from "./fake-executor.js";
export { Harness, type HarnessOptions, type HarnessResult, prompt } from "./harness.js";
export { describePolicyConformance } from "./suite.js";
export { runWorkload, type WorkloadSpec } from "./workload.js";
