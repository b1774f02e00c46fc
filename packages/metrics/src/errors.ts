import { PagodaError } from "@pagoda/errors";

/**
 * Bad input to the metrics package: an event for an unknown request, a time that runs backwards,
 * a negative count, an invalid model shape. Codes start with `metrics.`.
 */
export class MetricsError extends PagodaError {}

/** True for an integer ≥ 0. */
export function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

/** True for a finite number ≥ 0. */
export function isNonNegative(value: number): boolean {
  return value >= 0 && value < Number.POSITIVE_INFINITY;
}

/**
 * The `metrics.bad_value` error for `field`, which should have been `expected`. Hot paths test
 * with {@link isCount} first and build this (and its message) only on failure.
 */
export function badValue(field: string, value: unknown, expected: string): MetricsError {
  return new MetricsError("metrics.bad_value", `${field} must be ${expected}, got ${String(value)}`, {
    details: { field, value },
  });
}

/** Throws unless `value` is a finite number ≥ 0; `field` names it in the message. */
export function assertNonNegative(value: number, field: string): void {
  if (!isNonNegative(value)) throw badValue(field, value, "a finite number ≥ 0");
}

/** Throws unless `value` is an integer ≥ 0. */
export function assertCount(value: number, field: string): void {
  if (!isCount(value)) throw badValue(field, value, "an integer ≥ 0");
}

/** Throws unless `value` is a finite number (a timestamp may be negative on some clocks). */
export function assertTime(value: number, field: string): void {
  if (!Number.isFinite(value)) throw badValue(field, value, "a finite time in seconds");
}
