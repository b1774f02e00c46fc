export { SAMPLING_LIMITS } from "./limits.js";
export { parseSamplingParams } from "./parse-sampling-params.js";
export type { ParsedSamplingParams, ParseSamplingOptions } from "./parsed-sampling-params.js";
export {
  SAMPLING_PARAM_KEYS,
  SAMPLING_PARAM_RULES,
  type SamplingParamsInput,
  samplingParamsSchema,
} from "./schema.js";
