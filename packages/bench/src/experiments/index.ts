export {
  type BatchRow,
  batchRow,
  batchSweep,
  powersOfTwo,
  type StaticVsContinuous,
  staticVsContinuous,
} from "./batch-sweep.js";
export {
  type CompareFidelity,
  type CompareOptions,
  type CompareResult,
  type CompareRow,
  type CompareRunner,
  comparePolicies,
} from "./compare.js";
export {
  engineRunner,
  type Runner,
  type RunnerOptions,
  type RunOutcome,
  type RunSpec,
  simRunner,
} from "./runner.js";
