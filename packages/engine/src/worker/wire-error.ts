import { isPagodaError, PagodaError } from "@pagoda/errors";
import { EngineError, SamplingParamsError } from "../errors.js";
import type { WireError } from "./protocol.js";

// The engine's own error classes come back as themselves, so `instanceof` works across the thread.
const KNOWN: Record<string, typeof PagodaError> = { SamplingParamsError, EngineError };

/** Flattens a thrown value for `postMessage`, keeping a `PagodaError`'s code, message and details. */
export function toWire(err: unknown): WireError {
  if (isPagodaError(err)) {
    return {
      name: err.name,
      code: err.code,
      message: err.message,
      details: cloneable(err.details),
      stack: err.stack,
    };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, code: null, message: e.message, details: undefined, stack: e.stack };
}

/**
 * The error a {@link WireError} stands for: a `PagodaError` with the same code, message and details
 * (its class too when it is one of the engine's); anything else thrown in the worker becomes an
 * `EngineError` `engine.internal_error`. The stack is the worker's, where the error happened.
 */
export function fromWire(w: WireError): PagodaError {
  let err: PagodaError;
  if (w.code === null) {
    err = new EngineError("engine.internal_error", `${w.name}: ${w.message}`, { details: { name: w.name } });
  } else {
    const Class = KNOWN[w.name] ?? PagodaError;
    err = new Class(w.code, w.message, w.details === undefined ? undefined : { details: w.details });
    err.name = w.name;
  }
  if (w.stack !== undefined) err.stack = w.stack;
  return err;
}

// Details are meant to be plain data; a value that cannot be cloned is dropped rather than let it
// break the whole message.
function cloneable(
  details: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> | undefined {
  if (details === undefined) return undefined;
  try {
    return structuredClone(details) as Record<string, unknown>;
  } catch {
    return Object.fromEntries(
      Object.entries(details).filter(([, v]) => {
        try {
          structuredClone(v);
          return true;
        } catch {
          return false;
        }
      }),
    );
  }
}
