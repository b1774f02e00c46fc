// The script a Node worker thread runs for `spawnWorkerEngine`: the engine, served over parentPort.
import { parentPort } from "node:worker_threads";
import { createEngine } from "../../offline/create-engine.js";
import { serveEngine } from "../serve-engine.js";
import { nodePort } from "./node-port.js";

if (parentPort === null) throw new Error("the engine worker entry must run in a worker thread");
serveEngine(nodePort(parentPort), createEngine);
