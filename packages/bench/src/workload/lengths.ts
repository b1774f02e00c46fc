import { sampleStandardNormal, sampleUniformInt } from "./distributions.js";
import { check } from "./errors.js";
import type { Rng } from "./rng.js";

/** The token lengths of one synthetic request. */
export interface LengthPair {
  inputLen: number;
  outputLen: number;
}

/** Fixed lengths with an optional uniform spread, as vLLM's `random` dataset draws them. */
export interface UniformLengthOptions {
  numRequests: number;
  inputLen: number;
  outputLen: number;
  /** Each length is uniform over the integers in [len·(1 − r), len·(1 + r)]; in [0, 1), default 0. */
  rangeRatio?: number;
}

/**
 * (input, output) length pairs, each length uniform in [⌊len·(1 − r)⌋, ⌊len·(1 + r)⌋] and at
 * least 1 token.
 *
 * @example
 * uniformLengthPairs({ numRequests: 100, inputLen: 512, outputLen: 128, rangeRatio: 0.25 }, createRng(0));
 */
export function uniformLengthPairs(options: UniformLengthOptions, rng: Rng): LengthPair[] {
  const { numRequests, inputLen, outputLen, rangeRatio = 0 } = options;
  checkCount(numRequests);
  check(isPositiveInt(inputLen), "inputLen", "an integer >= 1", inputLen);
  check(isPositiveInt(outputLen), "outputLen", "an integer >= 1", outputLen);
  check(rangeRatio >= 0 && rangeRatio < 1, "rangeRatio", "in [0, 1)", rangeRatio);
  const bounds = (len: number): [number, number] => [
    Math.max(1, Math.floor(len * (1 - rangeRatio))),
    Math.floor(len * (1 + rangeRatio)),
  ];
  const [inLo, inHi] = bounds(inputLen);
  const [outLo, outHi] = bounds(outputLen);
  return Array.from({ length: numRequests }, () => ({
    inputLen: sampleUniformInt(rng, inLo, inHi),
    outputLen: sampleUniformInt(rng, outLo, outHi),
  }));
}

/** A log-normal length: half the requests are shorter than `median`; none exceeds `cap`. */
export interface LogNormalLength {
  median: number;
  /** Standard deviation of ln(length); 0 makes every length the median. */
  sigma: number;
  /** Longest allowed length, e.g. the model's context; longer draws are clamped to it. */
  cap: number;
}

/** Options of {@link logNormalLengthPairs}. */
export interface LogNormalLengthOptions {
  numRequests: number;
  input: LogNormalLength;
  output: LogNormalLength;
}

/**
 * (input, output) length pairs with log-normal lengths, the long-tailed mix real chat and
 * completion traces show: many short requests, a few very long ones. Lengths are rounded,
 * at least 1 and at most `cap`.
 */
export function logNormalLengthPairs(options: LogNormalLengthOptions, rng: Rng): LengthPair[] {
  checkCount(options.numRequests);
  checkLogNormal("input", options.input);
  checkLogNormal("output", options.output);
  const draw = ({ median, sigma, cap }: LogNormalLength): number =>
    Math.min(cap, Math.max(1, Math.round(median * Math.exp(sigma * sampleStandardNormal(rng)))));
  return Array.from({ length: options.numRequests }, () => ({
    inputLen: draw(options.input),
    outputLen: draw(options.output),
  }));
}

function isPositiveInt(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 1;
}

function checkCount(n: number): void {
  check(Number.isSafeInteger(n) && n >= 0, "numRequests", "an integer >= 0", n);
}

function checkLogNormal(which: string, l: LogNormalLength): void {
  check(l.median >= 1 && Number.isFinite(l.median), `${which}.median`, "a finite number >= 1", l.median);
  check(l.sigma >= 0 && Number.isFinite(l.sigma), `${which}.sigma`, "a finite number >= 0", l.sigma);
  check(isPositiveInt(l.cap) && l.cap >= l.median, `${which}.cap`, "an integer >= median", l.cap);
}
