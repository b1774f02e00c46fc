import type { ExecutorOutput } from "./executor-output.js";
import type { SchedulerOutput } from "./scheduler-output.js";

/**
 * Runs one scheduled step: one forward pass over every scheduled token of every request, then
 * sampling. Implementations (WebGPU, CPU reference, simulated) own weights and the KV cache.
 */
export interface Executor {
  execute(step: SchedulerOutput): Promise<ExecutorOutput>;
  /** Releases device memory; the executor is unusable afterwards. */
  close(): Promise<void>;
}
