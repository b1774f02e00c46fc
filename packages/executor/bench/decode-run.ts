import { type Executor, greedyParams, type SchedulerOutput } from "@pagoda/scheduler";

/** One decode measurement: `seqs` sequences decoding together for `steps` timed steps. */
export interface DecodePlan {
  seqs: number;
  /** Untimed decode steps first (pipelines, caches, JIT warm-up). */
  warmup: number;
  steps: number;
  blockSize: number;
  prompts: number[][];
}

function emptyStep(step: number): SchedulerOutput {
  return {
    step,
    scheduledNewReqs: [],
    scheduledCachedReqs: [],
    numScheduledTokens: {},
    totalNumScheduledTokens: 0,
    finishedReqIds: [],
    preemptedReqIds: [],
    blockCopies: [],
    swapOut: [],
    swapIn: [],
  };
}

/** Blocks a plan needs, the null block included. */
export function blocksFor(plan: DecodePlan): number {
  const longest = Math.max(...plan.prompts.map((p) => p.length));
  return 1 + plan.seqs * Math.ceil((longest + plan.warmup + plan.steps + 2) / plan.blockSize);
}

/**
 * Prefills every sequence in one step, then runs decode steps of one token per sequence (what a
 * scheduler sends in steady state). `afterStep` sees each timed step; returns the timed seconds.
 */
export async function runDecode(
  executor: Executor,
  plan: DecodePlan,
  afterStep: (step: number) => void = () => {},
): Promise<number> {
  const { seqs } = plan;
  const perSeq = Math.floor((blocksFor(plan) - 1) / seqs);
  const ids = Array.from({ length: seqs }, (_, i) => `s${i}`);
  const computed = new Map<string, number>();
  const prefill = emptyStep(0);
  ids.forEach((id, i) => {
    const prompt = plan.prompts[i % plan.prompts.length] as number[];
    prefill.scheduledNewReqs.push({
      requestId: id,
      tokenIds: prompt,
      numPromptTokens: prompt.length,
      samplingParams: { ...greedyParams(1_000_000), ignoreEos: true },
      blockIds: Array.from({ length: perSeq }, (_, b) => 1 + i * perSeq + b),
      numComputedTokens: 0,
    });
    prefill.numScheduledTokens[id] = prompt.length;
    prefill.totalNumScheduledTokens += prompt.length;
    computed.set(id, prompt.length);
  });
  await executor.execute(prefill);
  let start = 0;
  for (let step = 1; step <= plan.warmup + plan.steps; step++) {
    if (step === plan.warmup + 1) start = performance.now();
    const s = emptyStep(step);
    for (const id of ids) {
      const n = computed.get(id) as number;
      s.scheduledCachedReqs.push({ requestId: id, newBlockIds: [], numComputedTokens: n });
      s.numScheduledTokens[id] = 1;
      computed.set(id, n + 1);
    }
    s.totalNumScheduledTokens = seqs;
    const out = await executor.execute(s);
    if (out.sampledTokenIds[ids[0] as string]?.length !== 1) throw new Error(`step ${step} sampled nothing`);
    if (step > plan.warmup) afterStep(step);
  }
  return (performance.now() - start) / 1000;
}
