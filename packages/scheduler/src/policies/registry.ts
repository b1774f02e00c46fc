import { SchedulerError } from "../errors.js";
import { createFairPolicy } from "./fair.js";
import { createFcfsPolicy } from "./fcfs.js";
import type { PolicyOptions } from "./options.js";
import type { SchedulingPolicy } from "./policy.js";
import { createPriorityPolicy } from "./priority.js";
import { createSjfPolicy } from "./sjf.js";
import { createSloPolicy } from "./slo.js";
import { createStaticPolicy } from "./static.js";

/** Makes a fresh policy instance (policies keep per-scheduler state) from its options. */
export type PolicyFactory = (options: PolicyOptions) => SchedulingPolicy;

const factories = new Map<string, PolicyFactory>([
  ["fcfs", createFcfsPolicy],
  ["priority", createPriorityPolicy],
  ["slo", createSloPolicy],
  ["sjf", createSjfPolicy],
  ["fair", createFairPolicy],
  ["static", createStaticPolicy],
]);

/**
 * Registers a policy under `name`, so `new Scheduler({ policy: name, policyOptions })` can use
 * it. Throws `scheduler.policy_exists` when the name is taken, unless `replace` is set.
 *
 * @example
 * registerPolicy("vip-first", (options) => new VipFirstPolicy(options)); // see the README
 */
export function registerPolicy(
  name: string,
  factory: PolicyFactory,
  options: { replace?: boolean } = {},
): void {
  if (name === "" || (factories.has(name) && options.replace !== true)) {
    throw new SchedulerError("scheduler.policy_exists", `a policy named '${name}' is already registered`, {
      details: { name },
    });
  }
  factories.set(name, factory);
}

/** Removes a registered policy; returns false when none has that name. */
export function unregisterPolicy(name: string): boolean {
  return factories.delete(name);
}

/** Creates the policy registered as `name`; throws `scheduler.unknown_policy` for an unknown name. */
export function createPolicy(name: string, options: PolicyOptions = {}): SchedulingPolicy {
  const factory = factories.get(name);
  if (factory === undefined) {
    throw new SchedulerError(
      "scheduler.unknown_policy",
      `no policy named '${name}' (registered: ${policyNames().join(", ")})`,
      { details: { name } },
    );
  }
  return factory(options);
}

/** The names of every registered policy, built-ins first. */
export function policyNames(): string[] {
  return [...factories.keys()];
}
