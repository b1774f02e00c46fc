import { createPolicy, isPolicyModule, type PolicyOptions, registerPolicyModule } from "@pagoda/scheduler";

// A URL is given as is; anything else is a path, resolved against the working directory (Node
// only: `node:` modules are imported on demand, so a browser bundle that passes URLs never needs them).
async function moduleUrl(spec: string): Promise<string> {
  const isUrl = /^[a-z][a-z0-9+.-]*:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec);
  if (isUrl) return spec;
  const [{ resolve }, { pathToFileURL }] = await Promise.all([import("node:path"), import("node:url")]);
  return pathToFileURL(resolve(spec)).href;
}

/**
 * Makes the policy `spec` usable by that name in this thread, and checks `options` against it by
 * making one instance: a registered name (`fcfs`, `priority`, …) is only checked; a module path or
 * URL (`./my-policy.js`, whose default export is a policy factory) is imported and registered under
 * `spec`. Throws the scheduler's one-line errors: `scheduler.unknown_policy`,
 * `scheduler.policy_load_failed`, `scheduler.policy_invalid`, `scheduler.invalid_option`.
 *
 * @example
 * await loadPolicy("./my-policy.js", { boostMs: 30 });
 * new Scheduler({ kvCache, policy: "./my-policy.js", policyOptions: { boostMs: 30 } });
 */
export async function loadPolicy(spec: string, options: PolicyOptions = {}): Promise<void> {
  if (isPolicyModule(spec)) await registerPolicyModule(spec, await moduleUrl(spec));
  createPolicy(spec, options);
}
