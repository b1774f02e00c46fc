import type {
  Executor,
  ExecutorOutput,
  SamplingParams,
  SchedulerOutput,
  TokenLogprobs,
} from "@pagoda/scheduler";

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

/** What one request produced. */
export interface DriverResult {
  tokens: number[];
  logprobs: TokenLogprobs[];
}

/** A step that schedules nothing and reports `finished` as finished. */
export function emptyStep(step: number, finished: string[]): SchedulerOutput {
  return {
    step,
    scheduledNewReqs: [],
    scheduledCachedReqs: [],
    numScheduledTokens: {},
    totalNumScheduledTokens: 0,
    finishedReqIds: finished,
    preemptedReqIds: [],
    blockCopies: [],
    swapOut: [],
    swapIn: [],
  };
}

/**
 * A minimal scheduler for executor tests: every unfinished request runs in every step, prefill
 * in chunks of at most `chunk` tokens, then one token per step until `maxTokens` or a stop
 * token (which is not kept). Finished requests are reported to the executor the step after.
 */
export async function runToCompletion(
  executor: Executor,
  requests: DriverRequest[],
  chunk: number,
  /** Sees every step's whole output (prompt log-probabilities, for one). */
  onOutput?: (out: ExecutorOutput) => void,
): Promise<Map<string, DriverResult>> {
  const results = new Map(requests.map((r) => [r.id, { tokens: [], logprobs: [] } as DriverResult]));
  const computed = new Map(requests.map((r) => [r.id, r.numCachedTokens ?? 0]));
  const done = new Set<string>();
  const known = new Set<string>();
  let finished: string[] = [];
  for (let step = 0; ; step++) {
    const live = requests.filter((r) => !done.has(r.id));
    if (live.length === 0) return results;
    const s = emptyStep(step, finished);
    finished = [];
    for (const r of live) {
      const res = results.get(r.id) as DriverResult;
      const total = r.prompt.length + res.tokens.length;
      const already = computed.get(r.id) as number;
      const n = Math.min(chunk, total - already);
      s.numScheduledTokens[r.id] = n;
      s.totalNumScheduledTokens += n;
      if (known.has(r.id)) {
        s.scheduledCachedReqs.push({ requestId: r.id, newBlockIds: [], numComputedTokens: already });
      } else {
        known.add(r.id);
        s.scheduledNewReqs.push({
          requestId: r.id,
          tokenIds: r.prompt,
          numPromptTokens: r.prompt.length,
          samplingParams: r.params,
          blockIds: r.blockIds,
          numComputedTokens: already,
        });
      }
      computed.set(r.id, already + n);
    }
    const out = await executor.execute(s);
    onOutput?.(out);
    for (const r of live) {
      const res = results.get(r.id) as DriverResult;
      for (const token of out.sampledTokenIds[r.id] ?? []) {
        if (r.params.stopTokenIds.includes(token)) done.add(r.id);
        else res.tokens.push(token);
      }
      res.logprobs.push(...(out.logprobs[r.id] ?? []));
      if (res.tokens.length >= r.params.maxTokens) done.add(r.id);
      if (done.has(r.id)) finished.push(r.id);
    }
  }
}
