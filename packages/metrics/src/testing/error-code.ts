import { isPagodaError } from "@pagoda/errors";

/** The code of the Pagoda error `fn` throws, or "no error"; any other throw propagates. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isPagodaError(err)) return err.code;
    throw err;
  }
  return "no error";
}
