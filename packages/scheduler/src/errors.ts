import { PagodaError } from "@pagoda/errors";

/**
 * Thrown by `@pagoda/scheduler` for bad input (`scheduler.invalid_option`,
 * `scheduler.invalid_request`, `scheduler.request_too_long`, `scheduler.duplicate_request`,
 * `scheduler.invalid_draft_tokens`,
 * `scheduler.unknown_policy`, `scheduler.policy_exists`, a policy module that does not load
 * (`scheduler.policy_load_failed`) or is no policy (`scheduler.policy_invalid`)), an executor result that does not match
 * the step (`scheduler.bad_executor_output`, `scheduler.stale_output`) and broken invariants
 * (`scheduler.invariant`). Running out of blocks or budget is never an error: the request waits.
 */
export class SchedulerError extends PagodaError {}

/** Throws `scheduler.invalid_option` unless `value` is an integer in `[min, max]`. */
export function checkInt(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SchedulerError(
      "scheduler.invalid_option",
      `${name} must be an integer in [${min}, ${max}], got ${value}`,
      {
        details: { [name]: value },
      },
    );
  }
}

/** Throws `scheduler.invalid_option` unless `value` is a finite number `>= min`. */
export function checkNumber(name: string, value: number, min: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new SchedulerError(
      "scheduler.invalid_option",
      `${name} must be a finite number >= ${min}, got ${value}`,
      {
        details: { [name]: value },
      },
    );
  }
}

/** Throws `scheduler.invariant`: the scheduler's own bookkeeping (or a policy's answer) is inconsistent. */
export function broken(message: string): never {
  throw new SchedulerError("scheduler.invariant", message);
}
