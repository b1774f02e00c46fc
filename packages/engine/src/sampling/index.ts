export { generationDefaults } from "./generation-defaults.js";
export { SAMPLING_LIMITS } from "./limits.js";
export { minTokensBan } from "./min-tokens.js";
export { GUIDED_FIELDS } from "./parse-guided.js";
export { parseSamplingParams } from "./parse-sampling-params.js";
export type {
  ParsedSamplingParams,
  ParseSamplingOptions,
  SamplingDefaults,
} from "./parsed-sampling-params.js";
export {
  SAMPLING_PARAM_KEYS,
  SAMPLING_PARAM_RULES,
  type SamplingParamsInput,
  samplingParamsSchema,
} from "./schema.js";
