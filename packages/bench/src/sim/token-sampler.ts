/** Mixes a seed, a request id and a position into 32 well-spread bits (FNV-1a, then a finaliser). */
function mix(seed: number, requestId: string, position: number): number {
  let h = 2166136261 ^ (seed | 0);
  for (let i = 0; i < requestId.length; i++) h = Math.imul(h ^ requestId.charCodeAt(i), 16777619);
  h = Math.imul(h ^ position, 16777619);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The simulated model's "sampling": a token id that depends only on the seed, the request and the
 * position, so a run replays exactly whatever the schedule. It never returns an id in `avoid`
 * (the EOS ids), so output lengths are those the workload asked for.
 */
export function sampleToken(
  seed: number,
  requestId: string,
  position: number,
  vocabSize: number,
  avoid: ReadonlySet<number>,
): number {
  let t = mix(seed, requestId, position) % vocabSize;
  while (avoid.has(t)) t = (t + 1) % vocabSize;
  return t;
}
