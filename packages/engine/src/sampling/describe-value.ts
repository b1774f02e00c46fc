/** Short, printable form of a received value for error messages; long values are cut. */
export function describeValue(v: unknown): string {
  // JSON.stringify would print NaN and Infinity as "null", hiding the real mistake.
  if (typeof v === "number" || typeof v === "bigint" || v === undefined) return String(v);
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = undefined; // cyclic or otherwise unprintable
  }
  if (s === undefined) return typeof v;
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
