export { nodePort } from "./node-port.js";
export { type SpawnWorkerEngineOptions, spawnWorkerEngine, startEngineWorker } from "./spawn.js";
