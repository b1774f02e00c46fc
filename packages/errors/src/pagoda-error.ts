/**
 * The one error base class of Pagoda. Every package throws subclasses of it with a stable,
 * machine-readable `code` (e.g. `"safetensors.bad_header"`), so the HTTP layer can map errors to
 * responses in one place and tests can assert on codes rather than on message wording.
 *
 * @example
 * class ConfigError extends PagodaError {}
 * throw new ConfigError("config.unsupported_architecture", "GPT2LMHeadModel is not supported");
 */
export class PagodaError extends Error {
  /** Stable dotted code: `<area>.<reason>`. */
  readonly code: string;
  /** Optional structured details (the offending field, file, shape…), safe to show users. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: string,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options?.details;
  }
}

/** True for any Pagoda error, optionally with the given code (or code prefix ending in "."). */
export function isPagodaError(err: unknown, code?: string): err is PagodaError {
  if (!(err instanceof PagodaError)) return false;
  if (code === undefined) return true;
  return code.endsWith(".") ? err.code.startsWith(code) : err.code === code;
}

/**
 * The code of the Pagoda error `fn` throws, or `"no error"`; any other throw propagates. For
 * tests that assert on codes rather than on message wording.
 *
 * @example
 * expect(codeOf(() => scheduler.addRequest(bad))).toBe("scheduler.invalid_request");
 */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isPagodaError(err)) return err.code;
    throw err;
  }
  return "no error";
}
