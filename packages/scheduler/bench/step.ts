// Cost of one scheduler step: schedule() + update(), the executor excluded, with 256 running
// requests and 2,000 waiting. Run: pnpm --filter @pagoda/scheduler bench
import { KVCacheManager } from "@pagoda/kv-paging";
import {
  type ExecutorOutput,
  greedyParams,
  policyNames,
  Scheduler,
  type SchedulerOutput,
} from "../src/index.js";

const RUNNING = 256;
const WAITING = 2_000;
const PROMPT = 128;
const BLOCK = 16;
const STEPS = 1_000;
const RUNS = 5;
/** `POLICIES=fair,fcfs pnpm bench` runs a subset. */
const ONLY = process.env.POLICIES?.split(",");

/** Samples a token for every request whose scheduled tokens reach the end of its known tokens. */
class EchoExecutor {
  private readonly lengths = new Map<string, number>();
  private readonly computed = new Map<string, number>();

  execute(out: SchedulerOutput): ExecutorOutput {
    for (const id of [...out.finishedReqIds, ...out.preemptedReqIds]) this.lengths.delete(id);
    for (const r of out.scheduledNewReqs) {
      this.lengths.set(r.requestId, r.tokenIds.length);
      this.computed.set(r.requestId, r.numComputedTokens);
    }
    for (const r of out.scheduledCachedReqs) this.computed.set(r.requestId, r.numComputedTokens);
    const sampled: Record<string, number[]> = {};
    for (const id in out.numScheduledTokens) {
      const end = (this.computed.get(id) as number) + (out.numScheduledTokens[id] as number);
      const len = this.lengths.get(id) as number;
      if (end === len) {
        sampled[id] = [1 + (end % 1000)];
        this.lengths.set(id, len + 1);
      }
    }
    return { sampledTokenIds: sampled, logprobs: {} };
  }
}

interface Result {
  cpu: number;
  p50: number;
  p99: number;
  admitted: number;
}

function run(policy: string, churn: boolean): Result {
  const maxTokens = 4_096;
  const kv = new KVCacheManager({ numBlocks: 48_000, blockSize: BLOCK });
  const scheduler = new Scheduler({ kvCache: kv, maxNumBatchedTokens: 8_192, maxNumSeqs: RUNNING, policy });
  let next = 0;
  const add = () => {
    const i = next++;
    const prompt = Array.from({ length: PROMPT }, (_, j) => 1 + ((i * 7919 + j * 104_729) % 30_000));
    const tokens = churn ? 16 + (((i * 2_654_435_761) >>> 0) % 256) : maxTokens;
    scheduler.addRequest({
      requestId: `r${i}`,
      promptTokenIds: prompt,
      params: greedyParams(tokens),
      priority: i % 4,
      tenant: `t${i % 8}`,
    });
  };
  for (let i = 0; i < RUNNING + WAITING; i++) add();
  const executor = new EchoExecutor();
  // Warm up: admit and prefill the first 256 requests, so the measured steps are decode steps.
  for (let i = 0; i < 50; i++) {
    const out = scheduler.schedule();
    scheduler.update(out, executor.execute(out));
  }
  const wall: number[] = [];
  let cpu = 0;
  let admitted = 0;
  for (let i = 0; i < STEPS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = scheduler.schedule();
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    const result = executor.execute(out);
    const c2 = process.cpuUsage();
    const t2 = performance.now();
    const outputs = scheduler.update(out, result);
    const t3 = performance.now();
    const c3 = process.cpuUsage(c2);
    wall.push(t1 - t0 + (t3 - t2));
    cpu += c1.user + c1.system + c3.user + c3.system;
    admitted += out.scheduledNewReqs.length;
    // Keep 2,000 waiting: every finished request is replaced.
    for (const o of outputs) if (o.finishReason !== null) add();
  }
  wall.sort((a, b) => a - b);
  const p = (q: number) => Math.round((wall[Math.floor(wall.length * q)] as number) * 10_000) / 10;
  return { cpu: Math.round((cpu / STEPS) * 10) / 10, p50: p(0.5), p99: p(0.99), admitted };
}

/** Best and median of `n` runs (by CPU time): the machine is shared, so single runs are noisy. */
function repeat(policy: string, churn: boolean, n: number): { best: Result; median: Result } {
  const runs = Array.from({ length: n }, () => run(policy, churn)).sort((a, b) => a.cpu - b.cpu);
  return { best: runs[0] as Result, median: runs[n >> 1] as Result };
}

console.log(
  `scheduler step: ${RUNNING} running, ${WAITING} waiting, ${STEPS} steps, ${RUNS} runs, node ${process.version}`,
);
console.log(
  "CPU = process CPU time of schedule() + update() per step (mean, GC included); wall = wall-clock p50",
);
for (const churn of [false, true]) {
  console.log(
    churn ? "\nwith churn (outputs of 16-271 tokens; finished requests replaced):" : "\nsteady decode:",
  );
  for (const policy of policyNames().filter((p) => ONLY === undefined || ONLY.includes(p))) {
    const { best, median } = repeat(policy, churn, RUNS);
    const f = (x: number) => String(x).padStart(6);
    console.log(
      `  ${policy.padEnd(9)} best: CPU ${f(best.cpu)} µs wall ${f(best.p50)} µs   median: CPU ${f(median.cpu)} µs wall ${f(median.p50)} µs  p99 ${f(median.p99)} µs   admitted ${median.admitted}`,
    );
  }
}

// For reference: what one `allocateSlots` per decode token would cost (the scheduler asks
// about twice per block instead; see src/slots.ts).
{
  const kv = new KVCacheManager({ numBlocks: 48_000, blockSize: BLOCK });
  const tokens = Array.from({ length: RUNNING }, (_, i) =>
    Array.from({ length: PROMPT }, (_, j) => 1 + ((i * 7919 + j * 104_729) % 30_000)),
  );
  tokens.forEach((t, i) => {
    kv.allocateSlots(`r${i}`, PROMPT, { tokenIds: t });
  });
  let cpu = 0;
  for (let step = 0; step < STEPS; step++) {
    for (const t of tokens) t.push(step % 1000);
    const c0 = process.cpuUsage();
    for (let i = 0; i < RUNNING; i++) kv.allocateSlots(`r${i}`, 1, { tokenIds: tokens[i] as number[] });
    const c = process.cpuUsage(c0);
    cpu += c.user + c.system;
  }
  console.log(
    `\nreference: one allocateSlots per decode for ${RUNNING} requests: CPU ${Math.round((cpu / STEPS) * 10) / 10} µs`,
  );
}
