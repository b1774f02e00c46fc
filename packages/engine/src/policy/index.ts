// The registry's names and the options type, for callers that depend on the engine only (the CLI).
export { isPolicyModule, type PolicyOptions, policyNames } from "@pagoda/scheduler";
export { loadPolicy } from "./load-policy.js";
