import { CliUsageError } from "../generate/errors.js";

/** Throws the one-line usage error naming the flag, the rule and the value. */
export function badFlag(flag: string, rule: string, value: unknown): never {
  throw new CliUsageError("cli.bad_argument", `--${flag} must be ${rule}; got "${String(value)}"`, {
    details: { flag },
  });
}

/** An integer flag ≥ `min`. */
export function intFlag(flag: string, value: string, min = 0): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n) || n < min)
    badFlag(flag, `an integer >= ${min}`, value);
  return n;
}

/** A finite number flag within [min, max). */
export function numberFlag(flag: string, value: string, min: number, max = Number.POSITIVE_INFINITY): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n >= max) {
    badFlag(
      flag,
      max === Number.POSITIVE_INFINITY ? `a number >= ${min}` : `a number in [${min}, ${max})`,
      value,
    );
  }
  return n;
}

/** A request rate: a positive number, or `inf` for everything at once. */
export function rateFlag(flag: string, value: string): number {
  if (/^inf(inity)?$/i.test(value.trim())) return Number.POSITIVE_INFINITY;
  const n = Number(value);
  if (value.trim() === "" || !(n > 0) || !Number.isFinite(n)) badFlag(flag, "a number > 0 or inf", value);
  return n;
}

/** One of `choices`. */
export function choiceFlag<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) badFlag(flag, `one of ${choices.join(", ")}`, value);
  return value as T;
}

/** A comma-separated list, each item parsed by `parse`. */
export function listFlag<T>(flag: string, value: string, parse: (item: string) => T): T[] {
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) badFlag(flag, "a comma-separated list", value);
  return items.map(parse);
}
