import { SchedulerError } from "../errors.js";

/** Options a policy factory takes by name, e.g. `{ agingPerSecond: 0.1 }`; each policy reads its own. */
export type PolicyOptions = Readonly<Record<string, unknown>>;

/** Reads a finite number option `>= min`, or `fallback` when absent; throws `scheduler.invalid_option`. */
export function numberOption(options: PolicyOptions, key: string, fallback: number, min = 0): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new SchedulerError(
      "scheduler.invalid_option",
      `policy option ${key} must be a finite number >= ${min}, got ${String(value)}`,
      { details: { [key]: value } },
    );
  }
  return value;
}

/** Reads a `name -> positive number` map option (tenant weights), or `{}` when absent. */
export function weightsOption(options: PolicyOptions, key: string): ReadonlyMap<string, number> {
  const value = options[key];
  if (value === undefined) return new Map();
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SchedulerError(
      "scheduler.invalid_option",
      `policy option ${key} must be an object of weights`,
      {
        details: { [key]: value },
      },
    );
  }
  const weights = new Map<string, number>();
  for (const [name, w] of Object.entries(value)) {
    if (typeof w !== "number" || !Number.isFinite(w) || w <= 0) {
      throw new SchedulerError(
        "scheduler.invalid_option",
        `policy option ${key}.${name} must be a positive number, got ${String(w)}`,
        { details: { [key]: value } },
      );
    }
    weights.set(name, w);
  }
  return weights;
}

/** Throws `scheduler.invalid_option` when `options` names a key the policy does not know. */
export function checkKnownOptions(policy: string, options: PolicyOptions, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new SchedulerError(
        "scheduler.invalid_option",
        `policy ${policy} has no option ${key} (it knows ${known.join(", ") || "none"})`,
        { details: { policy, key } },
      );
    }
  }
}
