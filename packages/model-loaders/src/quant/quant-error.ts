import { QuantError } from "../errors.js";

/** Throws a {@link QuantError} with code `quant.<code>`. */
export function quantFail(code: string, message: string, details?: Record<string, unknown>): never {
  throw new QuantError(`quant.${code}`, message, details ? { details } : undefined);
}
