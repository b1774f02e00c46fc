import { seededRandom } from "@pagoda/kv-paging";
import { greedyParams } from "../contract/index.js";
import type { SchedulingPolicy } from "../policies/policy.js";
import type { PreemptionMode } from "../preemption.js";
import type { RequestView } from "../request.js";
import { Harness, prompt } from "./harness.js";

/** Step budget of the conformance workload: a run that needs more has stopped progressing. */
export const WORKLOAD_MAX_STEPS = 5_000;
/** Token and sequence budgets of the conformance workload. */
export const WORKLOAD_BUDGET = { maxNumBatchedTokens: 24, maxNumSeqs: 6 } as const;

const TENANTS = ["a", "b", "c"];

/** One request of the random workload, with when it arrives and (maybe) when it is aborted. */
export interface WorkloadSpec {
  id: string;
  samples: string[];
  abortId: string;
  prompt: number[];
  maxTokens: number;
  arrival: number;
  abortAt: number;
}

/**
 * Runs the random workload under `policy`: 40 requests with shared prefixes, parallel samples,
 * random stops, arrivals during the run, aborts in every state, every policy hint (priority,
 * tenant, SLO targets), on a block pool small enough to force preemption storms. With
 * `speculative`, running requests get speculative drafts: the model's next 1-4 tokens, one of
 * them wrong now and then.
 */
export function runWorkload(
  policy: SchedulingPolicy,
  mode: PreemptionMode,
  seed: number,
  speculative = false,
): { h: Harness; specs: WorkloadSpec[]; steps: number } {
  const rand = seededRandom(seed);
  const drafts = (_r: RequestView, truth: (k: number) => number[]) => {
    if (rand() < 0.3) return null;
    const tokens = truth(1 + Math.floor(rand() * 4));
    if (rand() < 0.4) tokens[Math.floor(rand() * tokens.length)] = 1000; // outside the fake vocabulary
    return tokens;
  };
  const h = new Harness({
    numBlocks: 36,
    blockSize: 4,
    numHostBlocks: mode === "swap" ? 48 : 0,
    ...WORKLOAD_BUDGET,
    policy,
    preemptionMode: mode,
    stopPermille: 40,
    drafts: speculative ? drafts : undefined,
  });
  const shared = prompt(12, seed);
  const specs = Array.from({ length: 40 }, (_, i) => {
    const len = 1 + Math.floor(rand() * 60);
    const p =
      rand() < 0.4 ? [...shared, ...prompt(len, seed * 100 + i)].slice(0, Math.max(len, 13)) : prompt(len, i);
    const id = `r${i}`;
    const maxTokens = 1 + Math.floor(rand() * 40);
    const samples = rand() < 0.25 ? [`${id}.1`, `${id}.2`].slice(0, 1 + Math.floor(rand() * 2)) : [];
    return {
      id,
      samples,
      // Aborts hit a sample instead of the request now and then.
      abortId: samples.length > 0 && rand() < 0.5 ? (samples[0] as string) : id,
      prompt: p,
      maxTokens,
      arrival: rand() < 0.5 ? 0 : Math.floor(rand() * 60),
      abortAt: rand() < 0.15 ? Math.floor(rand() * 80) : -1,
      extra: {
        priority: Math.floor(rand() * 4),
        tenant: TENANTS[Math.floor(rand() * TENANTS.length)] as string,
        ttftTargetMs: rand() < 0.5 ? 50 + rand() * 500 : null,
        tpotTargetMs: rand() < 0.5 ? 20 + rand() * 40 : null,
      },
    };
  });
  const steps = h.run(WORKLOAD_MAX_STEPS, (step) => {
    for (const s of specs) {
      const forks = s.samples.map((requestId) => ({ requestId, params: greedyParams(s.maxTokens) }));
      if (s.arrival === step) h.add(s.id, s.prompt, s.maxTokens, { ...s.extra, forks });
      if (s.abortAt === step) h.abort(s.abortId);
    }
  });
  return { h, specs, steps };
}
