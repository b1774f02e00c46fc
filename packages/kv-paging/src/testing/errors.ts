import { expect } from "vitest";

/** Matches a thrown Pagoda error by its code: `expect(fn).toThrow(withCode("kv.invariant"))`. */
export function withCode(code: string): unknown {
  return expect.objectContaining({ code });
}
