import type { Executor, SamplingParams, SchedulerOutput } from "@pagoda/scheduler";

/** A request for {@link runToCompletion}: its prompt, blocks and how big its prefill chunks are. */
export interface DriverRequest {
  id: string;
  prompt: number[];
  params: SamplingParams;
  /** Block table, long enough for prompt + maxTokens. */
  blockIds: number[];
  /** Tokens already in the cache (a prefix-cache hit): they are not recomputed. */
  numCachedTokens?: number;
}

/**
 * A minimal scheduler for executor tests: every request runs in every step, prefill in chunks
 * of at most `chunk` tokens, then one token per step until `maxTokens`. Returns the tokens.
 */
export async function runToCompletion(
  executor: Executor,
  requests: DriverRequest[],
  chunk: number,
): Promise<Map<string, number[]>> {
  const out = new Map(requests.map((r) => [r.id, [] as number[]]));
  const computed = new Map(requests.map((r) => [r.id, r.numCachedTokens ?? 0]));
  const known = new Set<string>();
  for (let step = 0; ; step++) {
    const live = requests.filter((r) => (out.get(r.id) as number[]).length < r.params.maxTokens);
    if (live.length === 0) return out;
    const s: SchedulerOutput = {
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
    for (const r of live) {
      const total = r.prompt.length + (out.get(r.id) as number[]).length;
      const done = computed.get(r.id) as number;
      const n = Math.min(chunk, total - done);
      s.numScheduledTokens[r.id] = n;
      s.totalNumScheduledTokens += n;
      if (!known.has(r.id)) {
        known.add(r.id);
        s.scheduledNewReqs.push({
          requestId: r.id,
          tokenIds: r.prompt,
          numPromptTokens: r.prompt.length,
          samplingParams: r.params,
          blockIds: r.blockIds,
          numComputedTokens: done,
        });
      } else s.scheduledCachedReqs.push({ requestId: r.id, newBlockIds: [], numComputedTokens: done });
      computed.set(r.id, done + n);
    }
    const result = await executor.execute(s);
    for (const r of live) (out.get(r.id) as number[]).push(...(result.sampledTokenIds[r.id] ?? []));
  }
}
