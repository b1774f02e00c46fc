import { BenchError } from "../sim/errors.js";

/** Service-level objectives in milliseconds; a request counts towards goodput when it meets all given. */
export interface GoodputSlo {
  ttft?: number;
  tpot?: number;
  /** End-to-end latency. */
  e2el?: number;
}

const KEYS = ["ttft", "tpot", "e2el"] as const;

/**
 * Parses vLLM-style SLO pairs, e.g. `["ttft:500", "tpot:50"]` or `"ttft:500 tpot:50"`. Throws
 * `bench.invalid` naming the bad pair.
 */
export function parseGoodput(spec: string | readonly string[]): GoodputSlo {
  const pairs = (typeof spec === "string" ? [spec] : spec).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
  const slo: GoodputSlo = {};
  for (const pair of pairs) {
    const [key, value, extra] = pair.split(":");
    const ms = Number(value);
    if (
      !KEYS.includes(key as (typeof KEYS)[number]) ||
      extra !== undefined ||
      !(ms > 0) ||
      !Number.isFinite(ms)
    ) {
      throw new BenchError(
        "bench.invalid",
        `goodput must be KEY:MS pairs with KEY ttft, tpot or e2el and MS > 0; got "${pair}"`,
        { details: { option: "goodput" } },
      );
    }
    slo[key as (typeof KEYS)[number]] = ms;
  }
  if (pairs.length === 0) {
    throw new BenchError("bench.invalid", "goodput needs at least one KEY:MS pair", {
      details: { option: "goodput" },
    });
  }
  return slo;
}

/** The timings of one request that goodput judges, in seconds (null where the request never got there). */
export interface RequestTimings {
  ttftSeconds: number | null;
  tpotSeconds: number | null;
  e2eSeconds: number;
}

/** True when the request meets every objective in `slo`. A request with one token has no TPOT and passes it. */
export function meetsSlo(r: RequestTimings, slo: GoodputSlo): boolean {
  if (slo.ttft !== undefined && (r.ttftSeconds === null || r.ttftSeconds * 1000 > slo.ttft)) return false;
  if (slo.tpot !== undefined && r.tpotSeconds !== null && r.tpotSeconds * 1000 > slo.tpot) return false;
  if (slo.e2el !== undefined && r.e2eSeconds * 1000 > slo.e2el) return false;
  return true;
}
