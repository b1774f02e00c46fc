export { type ArrivalOptions, arrivalTimes } from "./arrivals.js";
export { sampleExponential, sampleGamma, sampleStandardNormal, sampleUniformInt } from "./distributions.js";
export { WorkloadError } from "./errors.js";
export {
  type LengthPair,
  type LogNormalLength,
  type LogNormalLengthOptions,
  logNormalLengthPairs,
  type UniformLengthOptions,
  uniformLengthPairs,
} from "./lengths.js";
export { createRng, type Rng, Xoshiro128 } from "./rng.js";
