export { checkPolicy } from "./check-policy.js";
export { createFairPolicy, FairPolicy, type FairPolicyOptions } from "./fair.js";
export { createFcfsPolicy, FcfsPolicy } from "./fcfs.js";
export { isPolicyModule, registerPolicyModule } from "./module.js";
export { numberOption, type PolicyOptions, weightsOption } from "./options.js";
export { byArrival, lastInOrder, type SchedulingPolicy, type StepView } from "./policy.js";
export { createPriorityPolicy, PriorityPolicy, type PriorityPolicyOptions } from "./priority.js";
export {
  createPolicy,
  type PolicyFactory,
  policyNames,
  registerPolicy,
  unregisterPolicy,
} from "./registry.js";
export { createSjfPolicy, SjfPolicy, type SjfPolicyOptions } from "./sjf.js";
export { createSloPolicy, SloPolicy, type SloPolicyOptions } from "./slo.js";
export { createStaticPolicy, StaticPolicy } from "./static.js";
