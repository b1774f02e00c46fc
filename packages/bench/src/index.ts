export * from "./driver/index.js";
export * from "./sim/index.js";
export * from "./workload/index.js";
