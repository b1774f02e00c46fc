import { sampleExponential, sampleGamma } from "./distributions.js";
import { check } from "./errors.js";
import type { Rng } from "./rng.js";

/** How requests arrive: `requestRate` per second on average, `burstiness` shaping the gaps. */
export interface ArrivalOptions {
  numRequests: number;
  /** Mean requests per second; `Infinity` sends every request at t = 0. */
  requestRate: number;
  /**
   * Shape of the gamma-distributed gaps (vLLM's serving benchmark definition): 1 = Poisson
   * arrivals, below 1 burstier, above 1 more regular. The mean gap stays 1 / requestRate and the
   * gaps' coefficient of variation is 1 / sqrt(burstiness). Default 1.
   */
  burstiness?: number;
}

/**
 * Arrival times in seconds from the start of the run, non-decreasing. The first request arrives
 * at t = 0 so a run starts with work; each later one follows a gap drawn from
 * Gamma(shape = burstiness, scale = 1 / (requestRate · burstiness)).
 *
 * @example
 * arrivalTimes({ numRequests: 1000, requestRate: 8 }, createRng(0)); // Poisson, ≈ 125 s long
 */
export function arrivalTimes(options: ArrivalOptions, rng: Rng): number[] {
  const { numRequests, requestRate, burstiness = 1 } = options;
  check(Number.isSafeInteger(numRequests) && numRequests >= 0, "numRequests", "an integer >= 0", numRequests);
  check(requestRate > 0, "requestRate", "> 0 (or Infinity)", requestRate);
  check(burstiness > 0 && Number.isFinite(burstiness), "burstiness", "a finite number > 0", burstiness);

  const times = new Array<number>(numRequests).fill(0);
  if (requestRate === Number.POSITIVE_INFINITY) return times;
  const meanGap = 1 / requestRate;
  let t = 0;
  for (let i = 1; i < numRequests; i++) {
    // Gamma(1, θ) is the exponential; inversion is exact and uses one draw per gap.
    t +=
      burstiness === 1 ? sampleExponential(rng, meanGap) : sampleGamma(rng, burstiness, meanGap / burstiness);
    times[i] = t;
  }
  return times;
}
