import { checkInt, KVCacheError } from "./errors.js";

/** One request of a trace: how many prompt tokens it brings and how many it generates. */
export interface TraceRequest {
  promptTokens: number;
  outputTokens: number;
}

/** A log-normal length distribution, rounded and clipped to `[min, max]`. */
export interface LogNormalLengths {
  median: number;
  /** Standard deviation of the log; 1 puts about 1 % of draws above 10 × the median. */
  sigma: number;
  /** Default 1. */
  min?: number;
  max: number;
}

/** Options of {@link generateLengthTrace}. */
export interface LengthTraceOptions {
  numRequests: number;
  /** Same seed, same trace, on every platform. */
  seed: number;
  prompt: LogNormalLengths;
  output: LogNormalLengths;
}

/**
 * A realistic chat-like length mix: prompts and outputs log-normal with median 200 and a long
 * tail clipped at 2,000 tokens, so a request never exceeds 4,000 tokens.
 */
export const REALISTIC_LENGTH_MIX: Omit<LengthTraceOptions, "numRequests" | "seed"> = {
  prompt: { median: 200, sigma: 1, max: 2000 },
  output: { median: 200, sigma: 1, max: 2000 },
};

/** A seeded generator of uniform floats in [0, 1) (SplitMix32): small, fast, reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return ((z ^ (z >>> 15)) >>> 0) / 4294967296;
  };
}

/** Draws one length from `spec` using `random` (Box–Muller for the normal deviate). */
export function sampleLogNormal(spec: LogNormalLengths, random: () => number): number {
  const { median, sigma, min = 1, max } = spec;
  if (!(median > 0) || !(sigma >= 0) || !(min >= 1) || !(max >= min)) {
    throw new KVCacheError(
      "kv.invalid_argument",
      "a log-normal length needs median > 0, sigma >= 0, 1 <= min <= max",
      {
        details: { median, sigma, min, max },
      },
    );
  }
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(max, Math.max(min, Math.round(median * Math.exp(sigma * z))));
}

/** A reproducible trace of request lengths. */
export function generateLengthTrace(options: LengthTraceOptions): TraceRequest[] {
  checkInt("numRequests", options.numRequests, 0);
  const random = seededRandom(options.seed);
  return Array.from({ length: options.numRequests }, () => ({
    promptTokens: sampleLogNormal(options.prompt, random),
    outputTokens: sampleLogNormal(options.output, random),
  }));
}
