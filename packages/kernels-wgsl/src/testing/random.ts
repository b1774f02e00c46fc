// Seeded generators so a failing GPU test reproduces exactly.

/** A mulberry32 stream of uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` f32 values uniform in [min, max). */
export function randomF32(length: number, seed: number, min = -1, max = 1): Float32Array {
  const next = seededRandom(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = min + (max - min) * next();
  return out;
}

/** `length` integers uniform in [min, max). */
export function randomInts(length: number, seed: number, min: number, max: number): Int32Array {
  const next = seededRandom(seed);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = min + Math.floor((max - min) * next());
  return out;
}
