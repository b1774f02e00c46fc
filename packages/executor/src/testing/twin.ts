import type { Executor, ExecutorOutput, SchedulerOutput } from "@pagoda/scheduler";

/** A step with every list empty, overridden by `partial`; the token total is summed for you. */
export function makeStep(partial: Partial<SchedulerOutput>): SchedulerOutput {
  const numScheduledTokens = partial.numScheduledTokens ?? {};
  return {
    step: 0,
    scheduledNewReqs: [],
    scheduledCachedReqs: [],
    totalNumScheduledTokens: Object.values(numScheduledTokens).reduce((a, b) => a + b, 0),
    finishedReqIds: [],
    preemptedReqIds: [],
    blockCopies: [],
    swapOut: [],
    swapIn: [],
    ...partial,
    numScheduledTokens,
  };
}

/**
 * Two executors fed the same hand-written steps: each step's outputs must agree exactly on
 * tokens and within `logprobTolerance` on log-probabilities; the sampled tokens are collected
 * per request, so scripts can build the next step from them.
 */
export class Twin {
  readonly tokens = new Map<string, number[]>();

  constructor(
    readonly reference: Executor,
    readonly candidate: Executor,
    private readonly logprobTolerance: number,
  ) {}

  /** Runs one step on both and returns the candidate's output after comparing it. */
  async step(partial: Partial<SchedulerOutput>): Promise<ExecutorOutput> {
    const s = makeStep(partial);
    const want = await this.reference.execute(structuredClone(s));
    const got = await this.candidate.execute(structuredClone(s));
    if (JSON.stringify(got.sampledTokenIds) !== JSON.stringify(want.sampledTokenIds)) {
      throw new Error(
        `step ${s.step}: sampled ${JSON.stringify(got.sampledTokenIds)}, reference ${JSON.stringify(want.sampledTokenIds)}`,
      );
    }
    for (const [id, lps] of Object.entries(want.logprobs)) {
      const mine = got.logprobs[id]?.[0]?.top ?? [];
      lps[0]?.top.forEach(([token, lp], i) => {
        const [t, v] = mine[i] ?? [-1, Number.NaN];
        if (t !== token || !(Math.abs(v - lp) <= this.logprobTolerance)) {
          throw new Error(
            `step ${s.step}, ${id}: top logprob ${i} is [${t}, ${v}], reference [${token}, ${lp}]`,
          );
        }
      });
    }
    for (const [id, toks] of Object.entries(got.sampledTokenIds)) {
      const list = this.tokens.get(id) ?? [];
      list.push(...toks);
      this.tokens.set(id, list);
    }
    return got;
  }
}
