export { answerError } from "./app/answer-error.js";
export { createServerApp, type ServerApp, type ServerAppOptions } from "./app/create-server-app.js";
export type { RouteDeps, ServerEnv } from "./app/env.js";
export * from "./errors/index.js";
export { Generation, type GenerationOutput, type GenerationRequest } from "./generation/generation.js";
export { type SseHooks, sseResponse } from "./generation/sse.js";
export type { EngineEventsOptions } from "./live/engine-events.js";
export type { EngineSnapshotEvent } from "./live/engine-snapshot.js";
export { AccessRecord } from "./logging/access-record.js";
export { DEVICE_PROFILE_NAMES, servedDeviceProfile, servedModelShape } from "./metrics/roofline.js";
export { type RunningServer, type StartServerOptions, startServer } from "./node/start-server.js";
export { type ChatRequest, chatRequestSchema } from "./openai/chat-request.js";
export { type CompletionRequest, completionRequestSchema } from "./openai/completion-request.js";
export { resolveChatTemplate, type ServedModel, type ServerTokenizer } from "./state/served-model.js";
export {
  type AbortReason,
  type ActiveModel,
  type InFlight,
  type ServerPhase,
  ServerState,
} from "./state/server-state.js";
export { TOOL_CALL_PARSER_NAMES } from "./tools/parsers.js";
