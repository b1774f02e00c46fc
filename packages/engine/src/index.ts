export * from "./async/index.js";
export * from "./core/index.js";
export { EngineError, SamplingParamsError } from "./errors.js";
export * from "./offline/index.js";
export * from "./policy/index.js";
export * from "./sampling/index.js";
export * from "./speculative/index.js";
export * from "./structured/index.js";
