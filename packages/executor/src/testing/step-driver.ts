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

/**
 * Speculative decoding in tests: the drafts a decoding request brings to its next step, given
 * its tokens so far (prompt, then outputs); the driver trims them to what `maxTokens` leaves.
 */
export type DraftProposer = (requestId: string, tokens: readonly number[]) => number[];

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
 * With `propose`, decoding requests bring drafts: 1 + k tokens scheduled, and only the accepted
 * ones counted as computed for the next step.
 */
export async function runToCompletion(
  executor: Executor,
  requests: DriverRequest[],
  chunk: number,
  /** Sees every step's whole output (prompt log-probabilities, for one) and the step itself. */
  onOutput?: (out: ExecutorOutput, step: SchedulerOutput) => void,
  propose?: DraftProposer,
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
      const decoding = already === total - 1 && res.tokens.length > 0;
      const drafts = decoding && propose ? propose(r.id, [...r.prompt, ...res.tokens]) : [];
      drafts.splice(Math.max(0, r.params.maxTokens - res.tokens.length - 1));
      if (drafts.length > 0) {
        s.scheduledSpecTokens ??= {};
        s.scheduledSpecTokens[r.id] = drafts;
      }
      const n = Math.min(chunk, total - already) + drafts.length;
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
    onOutput?.(out, s);
    for (const r of live) {
      const res = results.get(r.id) as DriverResult;
      const sampled = out.sampledTokenIds[r.id] ?? [];
      // With drafts, only the accepted ones and the token after them are in the cache.
      if (s.scheduledSpecTokens?.[r.id])
        computed.set(r.id, r.prompt.length + res.tokens.length - 1 + sampled.length);
      for (const [i, token] of sampled.entries()) {
        if (done.has(r.id)) break; // tokens after a stop token or maxTokens are dropped
        const entry = out.logprobs[r.id]?.[i];
        if (entry) res.logprobs.push(entry);
        if (r.params.stopTokenIds.includes(token)) done.add(r.id);
        else res.tokens.push(token);
        if (res.tokens.length >= r.params.maxTokens) done.add(r.id);
      }
      if (res.tokens.length >= r.params.maxTokens) done.add(r.id);
      if (done.has(r.id)) finished.push(r.id);
    }
  }
}
