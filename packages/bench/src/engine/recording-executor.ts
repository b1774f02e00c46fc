import type { Executor, ExecutorOutput, SchedulerOutput } from "@pagoda/scheduler";

/**
 * Wraps a real executor and reports every step it is given before running it, so a benchmark
 * sees the scheduler's decisions (batch shape, admissions, preemptions) without changing the
 * engine.
 */
export class RecordingExecutor implements Executor {
  constructor(
    private readonly inner: Executor,
    private readonly onStep: (step: SchedulerOutput) => void,
  ) {}

  execute(step: SchedulerOutput): Promise<ExecutorOutput> {
    this.onStep(step);
    return this.inner.execute(step);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
