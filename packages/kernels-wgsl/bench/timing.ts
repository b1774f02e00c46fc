import type { KernelContext } from "../src/index.js";
import type { PreparedCase } from "./case.js";

/** Seconds per execution: median over trials of one submit holding `reps` executions. */
export async function timeCase(ctx: KernelContext, prepared: PreparedCase, budgetSeconds: number) {
  const once = await run(ctx, prepared, 1); // also warms up: pipelines compile here
  const single = await run(ctx, prepared, 1);
  const reps = Math.max(1, Math.min(500, Math.round(budgetSeconds / 3 / Math.max(single, 1e-6))));
  const trials: number[] = [];
  for (let i = 0; i < 3; i++) trials.push((await run(ctx, prepared, reps)) / reps);
  trials.sort((a, b) => a - b);
  return { seconds: trials[1] ?? once, reps };
}

async function run(ctx: KernelContext, prepared: PreparedCase, reps: number): Promise<number> {
  const device = ctx.device;
  await device.queue.onSubmittedWorkDone();
  const start = performance.now();
  ctx.submit((pass) => {
    for (let i = 0; i < reps; i++) prepared.record(pass);
  }, "bench");
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - start) / 1000;
}
