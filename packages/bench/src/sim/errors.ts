import { PagodaError } from "@pagoda/errors";

/** A benchmark asked for something impossible: an unknown device or model, a bad option value. */
export class BenchError extends PagodaError {}

/** Throws `bench.invalid` naming the option, the rule and the value when `ok` is false. */
export function checkOption(ok: boolean, option: string, rule: string, value: unknown): void {
  if (!ok) {
    throw new BenchError("bench.invalid", `${option} must be ${rule}; got ${String(value)}`, {
      details: { option },
    });
  }
}
