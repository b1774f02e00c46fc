import type { FinishReason, RequestEvent } from "../events.js";

/** One request of a synthetic workload, with the timings the recorder should derive. */
export interface SyntheticRequest {
  readonly id: string;
  readonly arrival: number;
  /** NaN when the request is aborted while still queued. */
  readonly scheduled: number;
  readonly tokenTimes: readonly number[];
  readonly finish: number;
  readonly reason: FinishReason;
  readonly numPromptTokens: number;
}

/** A seeded PRNG (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` requests with random arrivals, queue waits, prefill times, token gaps and finish reasons;
 * every `abortEvery`-th one is aborted in the queue (never scheduled, no tokens).
 */
export function syntheticWorkload(n: number, seed: number, abortEvery = 0): SyntheticRequest[] {
  const rand = rng(seed);
  const reasons: FinishReason[] = ["stop", "length", "abort", "error"];
  const out: SyntheticRequest[] = [];
  let clock = 0;
  for (let i = 0; i < n; i++) {
    clock += rand() * 0.2;
    const arrival = clock;
    if (abortEvery > 0 && i % abortEvery === abortEvery - 1) {
      const finish = arrival + rand() * 2;
      out.push({
        id: `r${i}`,
        arrival,
        scheduled: Number.NaN,
        tokenTimes: [],
        finish,
        reason: "abort",
        numPromptTokens: 7,
      });
      continue;
    }
    const scheduled = arrival + rand() ** 3 * 5;
    let t = scheduled + 0.01 + rand() * 0.5;
    const tokenTimes = [t];
    const numTokens = 1 + Math.floor(rand() * 40);
    for (let k = 1; k < numTokens; k++) {
      t += 0.005 + rand() ** 2 * 0.2;
      tokenTimes.push(t);
    }
    const reason = reasons[Math.floor(rand() * 4)] ?? "stop";
    out.push({
      id: `r${i}`,
      arrival,
      scheduled,
      tokenTimes,
      finish: t,
      reason,
      numPromptTokens: 1 + Math.floor(rand() * 500),
    });
  }
  return out;
}

/** The workload as engine events, ordered by time (ties keep each request's own order). */
export function workloadEvents(requests: readonly SyntheticRequest[]): RequestEvent[] {
  const events: RequestEvent[] = [];
  for (const r of requests) {
    events.push({ kind: "arrived", requestId: r.id, time: r.arrival, numPromptTokens: r.numPromptTokens });
    if (!Number.isNaN(r.scheduled)) events.push({ kind: "scheduled", requestId: r.id, time: r.scheduled });
    for (const time of r.tokenTimes) events.push({ kind: "token", requestId: r.id, time });
    events.push({ kind: "finished", requestId: r.id, time: r.finish, reason: r.reason });
  }
  // Array.prototype.sort is stable, so each request's events stay in order on equal times.
  return events.sort((a, b) => a.time - b.time);
}
