/** One streamed delta and when it arrived, in milliseconds after the request was sent. */
export interface TimedDelta {
  text: string;
  atMs: number;
}

/** The latency of one streamed response as the page saw it (network included). */
export interface TimingSummary {
  /** Time to the first non-empty delta. */
  ttftMs: number | null;
  /** Mean gap between consecutive non-empty deltas after the first. */
  meanGapMs: number | null;
  /** Largest gap between consecutive non-empty deltas. */
  maxGapMs: number | null;
  /** Non-empty deltas per second after the first one. */
  deltasPerSecond: number | null;
  numDeltas: number;
}

/** Summarises the arrival times of a response's deltas. */
export function timingSummary(deltas: readonly TimedDelta[]): TimingSummary {
  const times = deltas.filter((d) => d.text !== "").map((d) => d.atMs);
  const first = times[0];
  const last = times.at(-1);
  if (first === undefined || last === undefined) {
    return { ttftMs: null, meanGapMs: null, maxGapMs: null, deltasPerSecond: null, numDeltas: 0 };
  }
  let maxGap: number | null = null;
  for (let i = 1; i < times.length; i++)
    maxGap = Math.max(maxGap ?? 0, (times[i] ?? 0) - (times[i - 1] ?? 0));
  const span = last - first;
  const gaps = times.length - 1;
  return {
    ttftMs: first,
    meanGapMs: gaps > 0 ? span / gaps : null,
    maxGapMs: maxGap,
    deltasPerSecond: gaps > 0 && span > 0 ? (gaps * 1000) / span : null,
    numDeltas: times.length,
  };
}

/** Gaps between consecutive deltas (the first one's gap is its time after the send). */
export function deltaGaps(deltas: readonly TimedDelta[]): number[] {
  return deltas.map((d, i) => d.atMs - (i === 0 ? 0 : (deltas[i - 1]?.atMs ?? 0)));
}
