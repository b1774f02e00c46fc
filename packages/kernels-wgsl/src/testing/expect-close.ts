/** Tolerance of {@link expectClose}: |got − want| ≤ atol + rtol·|want|. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/**
 * Throws unless every element is within tolerance, naming the worst index, its values and how
 * far over the bound it is, so a failure says where to look.
 */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance, what = "") {
  if (got.length !== want.length) {
    throw new Error(`${what}: length ${got.length}, expected ${want.length}`);
  }
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i] ?? Number.NaN;
    const w = want[i] ?? Number.NaN;
    const excess = Math.abs(g - w) - (tol.atol + tol.rtol * Math.abs(w));
    if (!(excess <= 0)) {
      bad++;
      if (worst < 0 || !(excess <= worstExcess)) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (bad > 0) {
    throw new Error(
      `${what}: ${bad}/${want.length} elements off; worst at [${worst}]: got ${got[worst]}, ` +
        `want ${want[worst]} (|diff| over atol ${tol.atol} + rtol ${tol.rtol}·|want| by ${worstExcess})`,
    );
  }
}
