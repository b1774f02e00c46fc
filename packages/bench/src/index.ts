export * from "./client/index.js";
export * from "./driver/index.js";
export * from "./engine/index.js";
export * from "./experiments/index.js";
export * from "./report/index.js";
export * from "./sim/index.js";
export * from "./workload/index.js";
