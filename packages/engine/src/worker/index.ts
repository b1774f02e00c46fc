export type { EnginePort, MessageTargetLike, PortExit } from "./port.js";
export { webPort } from "./port.js";
export type {
  EngineUpdate,
  FromWorker,
  ToWorker,
  WireError,
  WireMetric,
  WireOutput,
  WireRequest,
  WorkerEngineInfo,
  WorkerInitOptions,
} from "./protocol.js";
export { type BuildEngine, serveEngine } from "./serve-engine.js";
export { fromWire, toWire } from "./wire-error.js";
export { type ConnectOptions, WorkerEngine } from "./worker-engine.js";
