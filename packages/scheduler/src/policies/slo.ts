import type { RequestView } from "../request.js";
import { checkKnownOptions, numberOption, type PolicyOptions } from "./options.js";
import { byArrival, type SchedulingPolicy, type StepView } from "./policy.js";

/** Options of {@link SloPolicy}; times in milliseconds. */
export interface SloPolicyOptions {
  /** TTFT target of a request that gives none (default 10,000; finite, so EDF bounds every wait). */
  defaultTtftMs?: number;
  /** TPOT target of a request that gives none (default: none, nothing to protect). */
  defaultTpotMs?: number;
  /**
   * Cost model: fixed time of one step (default 5, a fallback: `pagoda serve` and the bench pass
   * the executor's calibrated figures).
   */
  stepBaseMs?: number;
  /** Cost model: time per scheduled token (default 0.05). */
  stepPerTokenMs?: number;
  /** Smallest prefill chunk worth admitting; a running prefill always gets this many (default 16). */
  minPrefillChunk?: number;
}

/**
 * Service-level objectives: earliest deadline first on the TTFT deadline (`arrival + ttft`)
 * for the queue; the running request with the latest deadline (its next token's TPOT deadline,
 * or its TTFT deadline before the first token) is preempted first.
 *
 * Admission protects TPOT with a linear cost model: a step of T tokens takes
 * `stepBaseMs + stepPerTokenMs * T`. A prefill chunk is cut so that the step stays within the
 * tightest TPOT target of the requests that are decoding; a waiting request that would get
 * fewer than `minPrefillChunk` tokens is not admitted, while a running prefill always gets at
 * least that many (so admitted work finishes).
 *
 * Starvation bound: a request is overtaken only by requests whose deadline is earlier, i.e.
 * that arrive before its own deadline; and the TPOT gate holds it back at most until the
 * decoding requests finish, since nothing new is admitted past the gate either.
 */
export class SloPolicy implements SchedulingPolicy {
  readonly name = "slo";
  private readonly ttftMs: number;
  private readonly tpotMs: number;
  private readonly baseMs: number;
  private readonly perTokenMs: number;
  private readonly minChunk: number;
  private tightestStep = -1;
  private tightest = Number.POSITIVE_INFINITY;

  constructor(options: SloPolicyOptions = {}) {
    const opts: PolicyOptions = { ...options };
    this.ttftMs = numberOption(opts, "defaultTtftMs", 10_000);
    this.tpotMs = numberOption(opts, "defaultTpotMs", Number.POSITIVE_INFINITY);
    this.baseMs = numberOption(opts, "stepBaseMs", 5);
    this.perTokenMs = numberOption(opts, "stepPerTokenMs", 0.05, Number.MIN_VALUE);
    this.minChunk = Math.max(1, Math.floor(numberOption(opts, "minPrefillChunk", 16, 1)));
  }

  /** When the request's first token is due. */
  ttftDeadline(r: RequestView): number {
    return r.arrivalTime + (r.ttftTargetMs ?? this.ttftMs);
  }

  /** When the request's next token is due: TPOT after the first token, TTFT before. */
  nextDeadline(r: RequestView): number {
    if (r.lastTokenTime === null) return this.ttftDeadline(r);
    return r.lastTokenTime + (r.tpotTargetMs ?? this.tpotMs);
  }

  /** Estimated duration of a step of `numTokens` tokens. */
  stepMs(numTokens: number): number {
    return this.baseMs + this.perTokenMs * numTokens;
  }

  compareWaiting(a: RequestView, b: RequestView): number {
    return this.ttftDeadline(a) - this.ttftDeadline(b) || byArrival(a, b);
  }

  pickVictim(candidates: readonly RequestView[]): RequestView {
    let worst = candidates[0] as RequestView;
    for (const c of candidates) {
      const d = this.nextDeadline(c);
      const w = this.nextDeadline(worst);
      if (d > w || (d === w && byArrival(c, worst) > 0)) worst = c;
    }
    return worst;
  }

  /**
   * An earlier TTFT deadline takes the token budget from a running prefill's chunk (EDF within
   * the step too), so a 10 ms target is not queued behind a 100 s one's long prompt.
   */
  mayPauseFor(arrival: RequestView, prefill: RequestView): boolean {
    return this.ttftDeadline(arrival) < this.ttftDeadline(prefill);
  }

  limitPrefill(request: RequestView, numTokens: number, view: StepView): number {
    const tpot = this.tightestTpot(view);
    if (tpot === Number.POSITIVE_INFINITY) return numTokens;
    const fit = Math.floor((tpot - this.baseMs) / this.perTokenMs) - view.numScheduledTokens;
    const floor = Math.min(numTokens, this.minChunk);
    if (fit >= numTokens) return numTokens;
    if (request.status === "RUNNING") return Math.max(fit, floor);
    return fit >= floor ? fit : 0;
  }

  /** The tightest TPOT target among decoding requests, computed once per step. */
  private tightestTpot(view: StepView): number {
    if (view.step !== this.tightestStep) {
      this.tightestStep = view.step;
      this.tightest = Number.POSITIVE_INFINITY;
      for (const r of view.running) {
        if (r.numOutputTokens > 0) this.tightest = Math.min(this.tightest, r.tpotTargetMs ?? this.tpotMs);
      }
    }
    return this.tightest;
  }
}

/** Factory for the registry: options as {@link SloPolicyOptions}. */
export function createSloPolicy(options: PolicyOptions = {}): SloPolicy {
  const known = ["defaultTtftMs", "defaultTpotMs", "stepBaseMs", "stepPerTokenMs", "minPrefillChunk"];
  checkKnownOptions("slo", options, known);
  return new SloPolicy(options as SloPolicyOptions);
}
