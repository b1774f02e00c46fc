import type { ExecutorOutput } from "./executor-output.js";
import type { SchedulerOutput } from "./scheduler-output.js";

/**
 * Inputs of a step that may arrive after the step started. The step itself stays plain data;
 * this only lets an executor that can overlap work start its forward pass first.
 */
export interface LateStepInputs {
  /**
   * Computes the step's token masks (the record `SchedulerOutput.tokenMasks` would hold; the
   * grammar matchers run on the calling thread): called once, after the forward pass is under
   * way, and awaited only before sampling.
   */
  tokenMasks(): Promise<Record<string, Int32Array>>;
}

/**
 * Runs one scheduled step: one forward pass over every scheduled token of every request, then
 * sampling. Implementations (WebGPU, CPU reference, simulated) own weights and the KV cache.
 */
export interface Executor {
  /** `late` is given only to an executor with `takesLateMasks`; others get `step.tokenMasks`. */
  execute(step: SchedulerOutput, late?: LateStepInputs): Promise<ExecutorOutput>;
  /** Releases device memory; the executor is unusable afterwards. */
  close(): Promise<void>;
  /** True when `execute` takes the token masks through `late`, computed while its forward pass runs. */
  readonly takesLateMasks?: boolean;
}
