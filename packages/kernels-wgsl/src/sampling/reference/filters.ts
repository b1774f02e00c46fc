import type { SamplingParams } from "../params.js";
import { F32_MAX, keyValue, orderKey } from "./float-order.js";

/** The set a sequence samples from, over the scaled logits `z`. */
export interface KeptSet {
  /** 1 for every kept token id. */
  readonly kept: Uint8Array;
  readonly numKept: number;
  /** The smallest kept `z`. */
  readonly cut: number;
}

/** The largest key K with (weight of keys ≥ K) ≥ target, walking `keys` sorted descending. */
function thresholdKey(sortedDesc: Uint32Array, weight: (key: number) => number, target: number): number {
  let above = 0;
  let i = 0;
  while (i < sortedDesc.length) {
    const key = sortedDesc[i] as number;
    let group = 0;
    for (; i < sortedDesc.length && sortedDesc[i] === key; i++) group += weight(key);
    above += group;
    if (above >= target) return key;
  }
  return sortedDesc[sortedDesc.length - 1] ?? 0; // rounding left the target unreached: keep all
}

/**
 * Top-k, then top-p, then min-p, all as thresholds on `z` (ties at a threshold are all kept):
 * - top-k keeps z ≥ the k-th largest z;
 * - top-p keeps, among those, the tokens whose strictly-larger neighbours hold less than
 *   `topP` of the kept probability mass (so the token that crosses `topP` is kept);
 * - min-p keeps tokens with exp(z − max z) ≥ minP.
 */
export function keptSetReference(z: Float32Array, params: SamplingParams): KeptSet {
  const n = z.length;
  const keys = new Uint32Array(n);
  let zmax = -F32_MAX;
  for (let i = 0; i < n; i++) {
    keys[i] = orderKey(z[i] as number);
    zmax = Math.max(zmax, z[i] as number);
  }
  let floor = 0;
  if (params.topK > 0 && params.topK < n) {
    const sorted = keys.slice().sort().reverse();
    floor = thresholdKey(sorted, () => 1, params.topK);
  }
  const topP = Math.fround(params.topP);
  if (topP < 1) {
    const candidates = keys
      .filter((k) => k >= floor)
      .sort()
      .reverse();
    // Equal keys are equal logits, so a key's mass follows from the key itself.
    const mass = (key: number) => Math.exp(keyValue(key) - zmax);
    let total = 0;
    for (const key of candidates) total += mass(key);
    floor = thresholdKey(candidates, mass, topP * total);
  }
  const minP = Math.fround(params.minP);
  const kept = new Uint8Array(n);
  let numKept = 0;
  let cut = F32_MAX;
  for (let i = 0; i < n; i++) {
    const x = z[i] as number;
    if ((keys[i] as number) < floor || (minP > 0 && Math.exp(x - zmax) < minP)) continue;
    kept[i] = 1;
    numKept++;
    cut = Math.min(cut, x);
  }
  return { kept, numKept, cut };
}
