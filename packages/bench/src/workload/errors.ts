import { PagodaError } from "@pagoda/errors";

/** A workload asked for with impossible settings (a negative rate, a range ratio ≥ 1…). */
export class WorkloadError extends PagodaError {}

/** Throws `workload.invalid` naming the option, the rule and the value when `ok` is false. */
export function check(ok: boolean, option: string, rule: string, value: unknown): void {
  if (!ok) {
    throw new WorkloadError("workload.invalid", `${option} must be ${rule}; got ${String(value)}`, {
      details: { option },
    });
  }
}
