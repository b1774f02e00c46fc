import { checkOption } from "../sim/errors.js";
import { arrivalTimes } from "../workload/arrivals.js";
import { type LengthPair, logNormalLengthPairs, uniformLengthPairs } from "../workload/lengths.js";
import { createRng, type Rng } from "../workload/rng.js";

/** One request of a benchmark run: when it is sent and how long it is. */
export interface BenchRequest {
  requestId: string;
  /** Seconds from the start of the run. */
  arrivalTime: number;
  inputLen: number;
  /** Tokens to generate (sent as `max_tokens` with EOS ignored). */
  outputLen: number;
  /** A prompt text, when the dataset gives one (`bench serve` sends it instead of random tokens). */
  prompt?: string;
  /** `priority` policy: lower first. */
  priority?: number;
  /** `fair` policy: who is billed. */
  tenant?: string;
  /** Requests of one group start with the same `prefixLen` prompt tokens (a shared system prompt). */
  prefixGroup?: string;
  /** Leading prompt tokens shared with the group (part of `inputLen`); default 0. */
  prefixLen?: number;
}

/** The length mixes a synthetic trace can draw from. */
export type SyntheticDataset = "synthetic" | "lognormal";

/** Options of {@link buildTrace}. */
export interface TraceOptions {
  numPrompts: number;
  /** Requests per second; `Infinity` sends everything at t = 0. */
  requestRate: number;
  /** Gamma shape of the gaps: 1 Poisson, below 1 burstier. */
  burstiness?: number;
  /** `synthetic`: uniform lengths around inputLen/outputLen; `lognormal`: long-tailed, medians inputLen/outputLen. */
  dataset?: SyntheticDataset;
  inputLen: number;
  outputLen: number;
  rangeRatio?: number;
  /** Cap of input + output (the model's context); log-normal draws are clamped under it. */
  maxModelLen?: number;
  /** Tenants the `fair` policy bills, assigned round-robin; default 4. */
  numTenants?: number;
  /** Priority levels the `priority` policy sees, drawn uniformly; default 3. */
  numPriorities?: number;
  /** Leading prompt tokens shared within a prefix group (capped at each prompt's length); default 0: none. */
  sharedPrefixLen?: number;
  /** Prefix groups, assigned round-robin, when `sharedPrefixLen` > 0; default 1. */
  numPrefixGroups?: number;
  seed: number;
}

/**
 * A reproducible trace: arrival times, length pairs, and the hints policies read (a priority and
 * a tenant per request), all from one seed.
 *
 * @example
 * buildTrace({ numPrompts: 1000, requestRate: 8, inputLen: 512, outputLen: 128, seed: 0 });
 */
export function buildTrace(options: TraceOptions): BenchRequest[] {
  const { numPrompts, seed, numTenants = 4, numPriorities = 3 } = options;
  const { sharedPrefixLen = 0, numPrefixGroups = 1 } = options;
  checkOption(
    Number.isSafeInteger(sharedPrefixLen) && sharedPrefixLen >= 0,
    "sharedPrefixLen",
    "an integer >= 0",
    sharedPrefixLen,
  );
  checkOption(
    Number.isSafeInteger(numPrefixGroups) && numPrefixGroups >= 1,
    "numPrefixGroups",
    "an integer >= 1",
    numPrefixGroups,
  );
  checkOption(
    Number.isSafeInteger(numTenants) && numTenants >= 1,
    "numTenants",
    "an integer >= 1",
    numTenants,
  );
  checkOption(
    Number.isSafeInteger(numPriorities) && numPriorities >= 1,
    "numPriorities",
    "an integer >= 1",
    numPriorities,
  );
  const rng = createRng(seed);
  const lengths = drawLengths(options, rng);
  const times = arrivalTimes(
    { numRequests: numPrompts, requestRate: options.requestRate, burstiness: options.burstiness ?? 1 },
    rng,
  );
  return lengths.map((l, i) => ({
    requestId: `req-${i}`,
    arrivalTime: times[i] ?? 0,
    inputLen: l.inputLen,
    outputLen: l.outputLen,
    priority: Math.floor(rng.next() * numPriorities),
    tenant: `tenant-${i % numTenants}`,
    ...(sharedPrefixLen > 0 && {
      prefixGroup: `prefix-${i % numPrefixGroups}`,
      prefixLen: Math.min(sharedPrefixLen, l.inputLen),
    }),
  }));
}

function drawLengths(o: TraceOptions, rng: Rng): LengthPair[] {
  if ((o.dataset ?? "synthetic") === "synthetic") {
    const opts = { numRequests: o.numPrompts, inputLen: o.inputLen, outputLen: o.outputLen };
    return uniformLengthPairs(o.rangeRatio === undefined ? opts : { ...opts, rangeRatio: o.rangeRatio }, rng);
  }
  checkOption(o.dataset === "lognormal", "dataset", "synthetic or lognormal", o.dataset);
  // Half the context each way keeps every request inside the model.
  const half = Math.floor((o.maxModelLen ?? 4096) / 2);
  checkOption(
    half >= o.inputLen && half >= o.outputLen,
    "maxModelLen",
    "at least 2 × each median",
    o.maxModelLen,
  );
  return logNormalLengthPairs(
    {
      numRequests: o.numPrompts,
      input: { median: o.inputLen, sigma: 1, cap: half },
      output: { median: o.outputLen, sigma: 1, cap: half },
    },
    rng,
  );
}

/** Seeded prompt token ids for a request, avoiding `avoid` (EOS): random text the model never stops on. */
export function promptTokens(
  rng: Rng,
  length: number,
  vocabSize: number,
  avoid: ReadonlySet<number>,
): number[] {
  const ids = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    let t = rng.nextUint32() % vocabSize;
    while (avoid.has(t)) t = (t + 1) % vocabSize;
    ids[i] = t;
  }
  return ids;
}
