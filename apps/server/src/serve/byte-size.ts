import { CliUsageError } from "../generate/errors.js";

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};

/**
 * Reads a memory size flag: bytes (`33554432`), or a number with a decimal (`64MB`) or binary
 * (`64MiB`) unit; `defaultUnit` applies to a bare number (vLLM's `--swap-space` is in GiB).
 */
export function parseByteSize(flag: string, value: string, defaultUnit = 1): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(value);
  const unit = m === null ? undefined : m[2] === undefined ? defaultUnit : UNITS[m[2].toLowerCase()];
  if (m === null || unit === undefined) {
    throw new CliUsageError(
      "cli.bad_argument",
      `${flag} must be a size such as 512MiB, 2GB or a byte count; got "${value}"`,
    );
  }
  return Math.floor(Number(m[1]) * unit);
}
