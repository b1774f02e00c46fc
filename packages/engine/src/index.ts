export { EngineError, SamplingParamsError } from "./errors.js";
export * from "./sampling/index.js";
