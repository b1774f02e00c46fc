import type { Executor, ExecutorOutput, SamplingParams } from "@pagoda/scheduler";
import type { RequestState } from "../batch/request-states.js";
import type { Sampler } from "../batch/sample-batch.js";
import { sampleOnCpu } from "../batch/sampling.js";
import { logSoftmax } from "../cpu/ops.js";
import { emptyStep } from "./step-driver.js";

/** A request of a lockstep run: it joins at step `arrival` and prefills in chunks. */
export interface LockstepRequest {
  id: string;
  prompt: number[];
  params: SamplingParams;
  blockIds: number[];
  arrival: number;
}

/** How closely the candidate must follow the reference. */
export interface LockstepTolerance {
  /** Largest |candidate − reference| log-probability allowed, at every id the candidate reports. */
  logprob: number;
  /**
   * A greedy request without penalties may pick a different token only when the reference's
   * log-probabilities of the two tokens are this close (a near tie); it then stops there.
   */
  tieMargin: number;
}

/** What a lockstep run compared. */
export interface LockstepReport {
  /** Sampled tokens compared (equal ones, and the near ties that stopped a request). */
  tokens: number;
  /** Log-probabilities compared. */
  logprobs: number;
  maxLogprobError: number;
  /** Requests stopped at a near tie, with the reference's margin there. */
  ties: Array<{ id: string; margin: number }>;
}

/** A CPU sampler (the kernels' reference rules) that also keeps each request's latest full log-softmax. */
export function recordingSampler(): { sampler: Sampler; last: Map<string, Float64Array> } {
  const last = new Map<string, Float64Array>();
  const sampler: Sampler = (logits, r: RequestState) => {
    last.set(r.requestId, logSoftmax(logits));
    return sampleOnCpu(logits, r);
  };
  return { sampler, last };
}

/**
 * Drives a reference executor (a `CpuExecutor` built with {@link recordingSampler}) and a
 * candidate through the same steps, comparing every sampled token and log-probability. Requests
 * arrive at different steps, so steps mix prefill chunks and decodes of different lengths.
 */
export async function runLockstep(
  reference: Executor,
  lastLogprobs: Map<string, Float64Array>,
  candidate: Executor,
  requests: LockstepRequest[],
  chunk: number,
  tol: LockstepTolerance,
): Promise<LockstepReport> {
  const report: LockstepReport = { tokens: 0, logprobs: 0, maxLogprobError: 0, ties: [] };
  const tokens = new Map(requests.map((r) => [r.id, [] as number[]]));
  const computed = new Map(requests.map((r) => [r.id, 0]));
  const done = new Set<string>();
  let finished: string[] = [];
  for (let step = 0; done.size < requests.length; step++) {
    const s = emptyStep(step, finished);
    finished = [];
    for (const r of requests) {
      if (done.has(r.id) || r.arrival > step) continue;
      const already = computed.get(r.id) as number;
      const n = Math.min(chunk, r.prompt.length + (tokens.get(r.id) as number[]).length - already);
      s.numScheduledTokens[r.id] = n;
      s.totalNumScheduledTokens += n;
      if (r.arrival < step)
        s.scheduledCachedReqs.push({ requestId: r.id, newBlockIds: [], numComputedTokens: already });
      else {
        s.scheduledNewReqs.push({
          requestId: r.id,
          tokenIds: r.prompt,
          numPromptTokens: r.prompt.length,
          samplingParams: r.params,
          blockIds: r.blockIds,
          numComputedTokens: 0,
        });
      }
      computed.set(r.id, already + n);
    }
    const want = await reference.execute(structuredClone(s));
    const got = await candidate.execute(structuredClone(s));
    for (const r of requests) {
      if (!(r.id in want.sampledTokenIds)) continue;
      if (compareSample(r, want, got, lastLogprobs.get(r.id), tol, report)) {
        (tokens.get(r.id) as number[]).push(want.sampledTokenIds[r.id]?.[0] as number);
      }
      const stopped = report.ties.some((t) => t.id === r.id);
      if (stopped || (tokens.get(r.id) as number[]).length >= r.params.maxTokens) {
        done.add(r.id);
        finished.push(r.id);
      }
    }
  }
  return report;
}

// Returns whether the request sampled a token both agree on (false: nothing sampled, or a tie).
function compareSample(
  r: LockstepRequest,
  want: ExecutorOutput,
  got: ExecutorOutput,
  ref: Float64Array | undefined,
  tol: LockstepTolerance,
  report: LockstepReport,
): boolean {
  const a = want.sampledTokenIds[r.id] ?? [];
  const b = got.sampledTokenIds[r.id] ?? [];
  if (a.length !== b.length)
    throw new Error(`${r.id}: reference sampled ${a.length} tokens, candidate ${b.length}`);
  if (a.length === 0) return false;
  if (!ref) throw new Error(`${r.id}: the reference recorded no logits`);
  const lp = got.logprobs[r.id]?.[0];
  if (r.params.logprobs !== null) {
    if (!lp) throw new Error(`${r.id}: the candidate returned no logprobs`);
    const pairs: Array<[number, number]> = [[lp.tokenId, lp.logprob], ...lp.top];
    for (const [id, value] of pairs) {
      const err = Math.abs(value - (ref[id] as number));
      report.maxLogprobError = Math.max(report.maxLogprobError, err);
      report.logprobs++;
      if (!(err <= tol.logprob)) {
        throw new Error(
          `${r.id}: logprob of token ${id} is ${value}, reference ${ref[id]} (tolerance ${tol.logprob})`,
        );
      }
    }
  }
  report.tokens++;
  const [x, y] = [a[0] as number, b[0] as number];
  if (x === y) return true;
  const p = r.params;
  const plainGreedy =
    p.temperature === 0 && p.repetitionPenalty === 1 && !p.presencePenalty && !p.frequencyPenalty;
  const margin = Math.abs((ref[x] as number) - (ref[y] as number));
  if (plainGreedy && margin <= tol.tieMargin) {
    report.ties.push({ id: r.id, margin });
    return false;
  }
  throw new Error(`${r.id}: reference sampled ${x}, candidate ${y} (reference logprob margin ${margin})`);
}
