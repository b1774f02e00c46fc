import { isPolicyModule, type PolicyOptions, policyNames } from "@pagoda/engine";
import { CliUsageError } from "./generate/errors.js";

/** `--policy`'s help: the registered names (from the registry), or a module path. */
export function policyHelp(): string {
  return `scheduling policy: ${policyNames().join(" | ")}, or a module path (./my-policy.js, default export: a policy factory)`;
}

/** `--policy-options`' help. */
export const POLICY_OPTIONS_HELP = `the policy's options as a JSON object, e.g. '{"agingPerSecond": 0.5}'`;

/**
 * Checks `--policy` without importing anything: a registered name, or a module path (which is
 * imported where the engine runs, and fails there in one line if it is not a policy).
 */
export function parsePolicy(value: string, flag = "--policy"): string {
  if (isPolicyModule(value) || policyNames().includes(value)) return value;
  throw new CliUsageError(
    "cli.bad_argument",
    `${flag} must be one of ${policyNames().join(", ")} or a module path like ./my-policy.js; got "${value}"`,
    { details: { flag } },
  );
}

/** Parses `--policy-options`: a JSON object, or undefined when the flag is absent. */
export function parsePolicyOptions(value: string | undefined): PolicyOptions | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CliUsageError(
      "cli.bad_argument",
      `--policy-options must be a JSON object, e.g. '{"agingPerSecond": 0.5}'; got ${JSON.stringify(value)}`,
      { details: { flag: "--policy-options" } },
    );
  }
  return parsed as PolicyOptions;
}
