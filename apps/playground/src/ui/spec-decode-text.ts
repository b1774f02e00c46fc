import type { MetricsSnapshot } from "../api/snapshot.js";

/** Speculative decoding's acceptance: "63% · 3.50 tokens / step" (none until a draft is verified). */
export function specDecodeText(s: MetricsSnapshot["specDecode"]): string | null {
  if (s == null) return null;
  return `${(s.acceptanceRate * 100).toFixed(0)}% · ${s.meanAcceptanceLength.toFixed(2)} tokens / step`;
}
