export { AsyncEngine, type EngineRequestInput } from "./async-engine.js";
export { OutputStream } from "./output-stream.js";
