import { isPagodaError } from "@pagoda/errors";
import { SchedulerError } from "../errors.js";
import { checkPolicy } from "./check-policy.js";
import type { PolicyOptions } from "./options.js";
import { type PolicyFactory, registerPolicy } from "./registry.js";

/**
 * True when `spec` names a policy module (a path or a URL, e.g. `./my-policy.js`) rather than a
 * registered name (`fcfs`, `vip-first`): it has a path separator, a scheme or a script extension.
 */
export function isPolicyModule(spec: string): boolean {
  return /[/\\]/.test(spec) || /^[a-z][a-z0-9+.-]*:/i.test(spec) || /\.(m?js|cjs|m?ts)$/.test(spec);
}

// An Error's first line, so a loader's multi-line message stays a one-line error.
function firstLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.split("\n")[0] ?? text;
}

/**
 * Imports the ES module at `url` (its default export is a {@link PolicyFactory}) and registers it
 * under `name` (the path the user gave), replacing an earlier load. The factory's policies are
 * checked as they are made. Throws `scheduler.policy_load_failed` when the module does not load
 * and `scheduler.policy_invalid` when it exports no factory; a factory that throws on its options
 * is `scheduler.invalid_option`. Registration is per thread (per
 * JavaScript realm): a worker loads the module itself.
 *
 * @example
 * await registerPolicyModule("./my-policy.js", new URL("./my-policy.js", import.meta.url).href);
 * new Scheduler({ kvCache, policy: "./my-policy.js", policyOptions: { boostMs: 30 } });
 */
export async function registerPolicyModule(name: string, url: string): Promise<PolicyFactory> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  } catch (cause) {
    throw new SchedulerError(
      "scheduler.policy_load_failed",
      `policy module ${name} failed to load: ${firstLine(cause)}`,
      { details: { name, url }, cause },
    );
  }
  const factory = mod.default;
  if (typeof factory !== "function") {
    const names = Object.keys(mod).filter((k) => k !== "default");
    throw new SchedulerError(
      "scheduler.policy_invalid",
      `policy module ${name} has no default export function (a policy factory: (options) => policy); ` +
        (names.length > 0 ? `it exports ${names.join(", ")}` : "it exports nothing"),
      { details: { name, url } },
    );
  }
  const checked: PolicyFactory = (options: PolicyOptions) => {
    let policy: unknown;
    try {
      policy = (factory as PolicyFactory)(options);
    } catch (cause) {
      if (isPagodaError(cause)) throw cause;
      // A factory's own complaint (most often about its options) keeps its words, on one line.
      throw new SchedulerError(
        "scheduler.invalid_option",
        `policy module ${name} refused its options ${JSON.stringify(options)}: ${firstLine(cause)}`,
        { details: { name }, cause },
      );
    }
    return checkPolicy(policy, `policy module ${name}`);
  };
  registerPolicy(name, checked, { replace: true });
  return checked;
}
