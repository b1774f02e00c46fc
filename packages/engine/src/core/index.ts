export type { EngineRequest } from "./engine-request.js";
export type { EngineSample, TextUpdate } from "./engine-sample.js";
export type { EngineInspection, StepSummary } from "./inspection.js";
export { type EngineTokenizer, LLMEngine, type LLMEngineOptions } from "./llm-engine.js";
export { type StopMatch, StopStringMatcher } from "./stop-strings.js";
export type { EngineFinishReason, PromptInput, PromptLogprobs, RequestOutput, Usage } from "./types.js";
