import { PagodaError } from "@pagoda/errors";

/** Thrown by `@pagoda/numerics` for bad input: `numerics.length_mismatch` (an output array of the wrong length). */
export class NumericsError extends PagodaError {}

/** Throws `numerics.length_mismatch` unless `out` has exactly as many elements as `src`. */
export function checkSameLength(what: string, src: ArrayLike<number>, out: ArrayLike<number>): void {
  if (out.length !== src.length) {
    throw new NumericsError(
      "numerics.length_mismatch",
      `${what}: the output holds ${out.length} values, the input has ${src.length}`,
      { details: { input: src.length, output: out.length } },
    );
  }
}
