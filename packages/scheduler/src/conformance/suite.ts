import { describe, it } from "vitest";
import type { PolicyFactory } from "../policies/registry.js";
import { type ConformanceOptions, conformanceCases } from "./cases.js";

/**
 * Declares the policy conformance suite under vitest for `factory`: the same checks every
 * built-in policy passes (random recompute and swap workloads, no leaked blocks, budgets kept,
 * progress, budget preemption only by `mayPauseFor` with the paused prefill intact).
 *
 * @example
 * // my-policy.test.ts
 * import { describePolicyConformance } from "@pagoda/scheduler/conformance";
 * import createMyPolicy from "./my-policy.js";
 * describePolicyConformance("my-policy", createMyPolicy, { policyOptions: { boostMs: 30 } });
 */
export function describePolicyConformance(
  label: string,
  factory: PolicyFactory,
  options: ConformanceOptions = {},
): void {
  describe(`policy ${label} passes the conformance suite`, () => {
    for (const c of conformanceCases(factory, options)) it(c.name, () => c.run());
  });
}
