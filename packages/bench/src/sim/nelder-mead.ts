/**
 * Minimises `f` from `start` with the Nelder–Mead simplex (standard coefficients: reflect 1,
 * expand 2, contract ½, shrink ½). Derivative-free, so it copes with the kinks of a roofline's
 * max(); `step` sizes the first simplex along each axis.
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: { step?: number; maxIterations?: number; tolerance?: number } = {},
): { x: number[]; value: number } {
  const { step = 0.5, maxIterations = 4000, tolerance = 1e-12 } = options;
  const n = start.length;
  let simplex = [start.slice()];
  for (let i = 0; i < n; i++) {
    const v = start.slice();
    v[i] = (v[i] ?? 0) + step;
    simplex.push(v);
  }
  let values = simplex.map(f);
  const point = (a: readonly number[], b: readonly number[], t: number) =>
    a.map((ai, i) => ai + t * ((b[i] ?? 0) - ai));
  for (let iter = 0; iter < maxIterations; iter++) {
    const order = values.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    simplex = order.map(([, i]) => simplex[i] as number[]);
    values = order.map(([v]) => v);
    const best = values[0] as number;
    const worst = values[n] as number;
    if (Math.abs(worst - best) <= tolerance * (Math.abs(best) + tolerance)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) centroid[j] = (centroid[j] ?? 0) + (simplex[i]?.[j] ?? 0) / n;
    const worstPoint = simplex[n] as number[];
    const reflected = point(centroid, worstPoint, -1);
    const fr = f(reflected);
    if (fr < best) {
      const expanded = point(centroid, worstPoint, -2);
      const fe = f(expanded);
      [simplex[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < (values[n - 1] as number)) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const contracted = point(centroid, worstPoint, 0.5);
      const fc = f(contracted);
      if (fc < worst) {
        [simplex[n], values[n]] = [contracted, fc];
      } else {
        const first = simplex[0] as number[];
        simplex = simplex.map((v, i) => (i === 0 ? v : point(first, v, 0.5)));
        values = simplex.map((v, i) => (i === 0 ? best : f(v)));
      }
    }
  }
  const i = values.indexOf(Math.min(...values));
  return { x: simplex[i] as number[], value: values[i] as number };
}
