import { SchedulerError } from "../errors.js";
import type { SchedulingPolicy } from "./policy.js";

const REQUIRED = ["compareWaiting", "pickVictim"] as const;
const OPTIONAL = [
  "mayPreemptFor",
  "limitPrefill",
  "groupOf",
  "reorderWaiting",
  "onArrival",
  "onTokensServed",
  "onFinished",
] as const;

/**
 * Returns `value` as a policy, or throws `scheduler.policy_invalid` naming what is missing or
 * wrong (a policy from a module is only known at run time). `origin` says where it came from.
 */
export function checkPolicy(value: unknown, origin: string): SchedulingPolicy {
  const bad = (what: string): never => {
    throw new SchedulerError("scheduler.policy_invalid", `${origin}: ${what}`, { details: { origin } });
  };
  if (typeof value !== "object" || value === null) {
    bad(`the factory returned ${value === null ? "null" : typeof value}, not a policy object`);
  }
  const p = value as Record<string, unknown>;
  if (typeof p.name !== "string" || p.name === "") bad("the policy has no name (a non-empty string)");
  for (const key of REQUIRED) {
    if (typeof p[key] !== "function") bad(`the policy does not implement ${key}()`);
  }
  for (const key of OPTIONAL) {
    if (p[key] !== undefined && typeof p[key] !== "function") bad(`the policy's ${key} is not a function`);
  }
  return value as SchedulingPolicy;
}
