export type { CompletionResult } from "./accumulator.js";
export { OutputAccumulator } from "./accumulator.js";
export { type CreateEngineOptions, createEngine, type Device, type ResolvedDevice } from "./create-engine.js";
export { type GenerateOptions, generate } from "./generate.js";
export { LLM, type LLMParts } from "./llm.js";
