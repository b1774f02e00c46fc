import { PagodaError } from "@pagoda/errors";

/**
 * Bad input to the metrics package: an event for an unknown request, a time that runs backwards,
 * a negative count, an invalid model shape. Codes start with `metrics.`.
 */
export class MetricsError extends PagodaError {}

/** Throws unless `value` is a finite number ≥ 0; `what` names the field in the message. */
export function assertNonNegative(value: number, what: string): void {
  if (!(value >= 0) || value === Number.POSITIVE_INFINITY) {
    throw new MetricsError("metrics.bad_value", `${what} must be a finite number ≥ 0, got ${value}`, {
      details: { field: what, value },
    });
  }
}

/** Throws unless `value` is an integer ≥ 0. */
export function assertCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new MetricsError("metrics.bad_value", `${what} must be an integer ≥ 0, got ${value}`, {
      details: { field: what, value },
    });
  }
}

/** Throws unless `value` is a finite number (a timestamp may be negative on some clocks). */
export function assertTime(value: number, what: string): void {
  if (!Number.isFinite(value)) {
    throw new MetricsError("metrics.bad_value", `${what} must be a finite time in seconds, got ${value}`, {
      details: { field: what, value },
    });
  }
}
