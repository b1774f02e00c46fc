import { PagodaError } from "@pagoda/errors";

/**
 * Thrown by `@pagoda/kv-paging` for bad input (`kv.invalid_argument`), an unknown or duplicate
 * request (`kv.unknown_request`, `kv.request_exists`), a call that does not fit the request's
 * state (`kv.request_swapped`, `kv.request_not_swapped`) and broken invariants (`kv.invariant`).
 * Running out of blocks is never an error: it is a `null` / `false` / `-1` result.
 */
export class KVCacheError extends PagodaError {}

/** Throws `kv.invalid_argument` unless `value` is an integer in `[min, max]`. */
export function checkInt(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new KVCacheError(
      "kv.invalid_argument",
      `${name} must be an integer in [${min}, ${max}], got ${value}`,
      {
        details: { [name]: value },
      },
    );
  }
}
