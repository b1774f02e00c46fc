export * from "./workload/index.js";
