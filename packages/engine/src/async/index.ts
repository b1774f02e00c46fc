export { AsyncEngine } from "./async-engine.js";
export { AsyncQueue } from "./async-queue.js";
export type { EngineClient, EngineRequestInput } from "./engine-client.js";
export { OutputStream } from "./output-stream.js";
