import { MetricsError } from "../errors.js";

/** Options of a {@link QuantileSketch}. */
export interface QuantileSketchOptions {
  /** Bound α on the relative error of every quantile; default 0.01 (1 %). */
  readonly relativeError?: number;
  /** Smallest value kept with relative accuracy; smaller ones (0 included) share one bucket. */
  readonly minValue?: number;
  /** Largest value kept with relative accuracy; larger ones share one overflow bucket. */
  readonly maxValue?: number;
}

/** Default accuracy: 1 % relative error, i.e. bucket growth factor γ = 1.01/0.99 ≈ 1.0202. */
export const DEFAULT_RELATIVE_ERROR = 0.01;

/**
 * A streaming quantile sketch over non-negative values with fixed log-spaced buckets (the idea of
 * HDR histograms and DDSketch). Bucket i holds the values in (γ^(i-1), γ^i] with
 * γ = (1+α)/(1-α), and reports them as 2γ^i/(γ+1), which is within a factor 1±α of every value
 * in the bucket. Quantiles use the nearest-rank definition (the ⌈q·n⌉-th smallest value): the
 * bucket holding that value is found exactly from the counts, so the estimate's relative error is
 * at most α for values in [minValue, maxValue]; the 0- and 1-quantiles are exact (min and max). Values below minValue are reported with an
 * absolute error below minValue; values above maxValue are reported as the largest value seen.
 * Memory is fixed (about 8 · ln(max/min)/ln γ bytes: 17 KB for the defaults); add is O(1).
 */
export class QuantileSketch {
  /** The bound α on the relative error of {@link quantile}. */
  readonly relativeError: number;
  private readonly gamma: number;
  private readonly invLogGamma: number;
  private readonly minValue: number;
  private readonly maxValue: number;
  private readonly indexOffset: number;
  private readonly counts: Float64Array;
  private underflow = 0;
  private lowest: number;
  private highest = -1;
  private n = 0;
  private total = 0;
  private smallest = Number.POSITIVE_INFINITY;
  private largest = Number.NEGATIVE_INFINITY;

  constructor(options: QuantileSketchOptions = {}) {
    const alpha = options.relativeError ?? DEFAULT_RELATIVE_ERROR;
    const minValue = options.minValue ?? 1e-9;
    const maxValue = options.maxValue ?? 1e9;
    if (!(alpha > 0 && alpha < 1)) {
      throw new MetricsError("metrics.bad_sketch", `relativeError must be in (0, 1), got ${alpha}`);
    }
    if (!(minValue > 0 && maxValue > minValue && Number.isFinite(maxValue))) {
      throw new MetricsError(
        "metrics.bad_sketch",
        `need 0 < minValue < maxValue < ∞, got minValue=${minValue} maxValue=${maxValue}`,
      );
    }
    this.relativeError = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.invLogGamma = 1 / Math.log(this.gamma);
    this.minValue = minValue;
    this.maxValue = maxValue;
    this.indexOffset = Math.ceil(Math.log(minValue) * this.invLogGamma);
    const top = Math.ceil(Math.log(maxValue) * this.invLogGamma);
    this.counts = new Float64Array(top - this.indexOffset + 1);
    this.lowest = this.counts.length;
  }

  /** Adds one value ≥ 0. */
  add(value: number): void {
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) {
      throw new MetricsError("metrics.bad_value", `a sketch takes finite values ≥ 0, got ${value}`);
    }
    this.n++;
    this.total += value;
    if (value < this.smallest) this.smallest = value;
    if (value > this.largest) this.largest = value;
    if (value < this.minValue) {
      this.underflow++;
    } else if (value <= this.maxValue) {
      // Values above maxValue are only counted (in n): a rank past the buckets lies among them.
      // Rounding can put a value lying exactly on a boundary one bucket off; clamp to the array.
      let i = Math.ceil(Math.log(value) * this.invLogGamma) - this.indexOffset;
      if (i < 0) i = 0;
      else if (i >= this.counts.length) i = this.counts.length - 1;
      this.counts[i] = (this.counts[i] ?? 0) + 1;
      if (i < this.lowest) this.lowest = i;
      if (i > this.highest) this.highest = i;
    }
  }

  /** Number of values added. */
  get count(): number {
    return this.n;
  }

  /** Sum of the values added (exact up to float rounding). */
  get sum(): number {
    return this.total;
  }

  /** Smallest value added, or null when empty. */
  get min(): number | null {
    return this.n === 0 ? null : this.smallest;
  }

  /** Largest value added, or null when empty. */
  get max(): number | null {
    return this.n === 0 ? null : this.largest;
  }

  /** The nearest-rank q-quantile (q in [0, 1]) within the relative error bound, or null when empty. */
  quantile(q: number): number | null {
    return this.quantiles([q])[0] ?? null;
  }

  /** Several quantiles in one pass over the buckets; `qs` need not be sorted. */
  quantiles(qs: readonly number[]): (number | null)[] {
    for (const q of qs) {
      if (!(q >= 0 && q <= 1)) {
        throw new MetricsError("metrics.bad_quantile", `quantile must be in [0, 1], got ${q}`);
      }
    }
    const out: (number | null)[] = qs.map(() => null);
    if (this.n === 0) return out;
    const targets = qs
      .map((q, index) => ({ index, rank: nearestRank(q, this.n) }))
      .sort((a, b) => a.rank - b.rank);
    let seen = this.underflow;
    let next = this.lowest; // the first bucket not yet added to `seen`
    for (const { index, rank } of targets) {
      // The extremes are known exactly; ranks in the underflow bucket are all below minValue.
      if (rank === 1 || rank <= this.underflow) {
        out[index] = this.smallest;
        continue;
      }
      if (rank === this.n) {
        out[index] = this.largest;
        continue;
      }
      while (seen < rank && next <= this.highest) seen += this.counts[next++] ?? 0;
      if (seen < rank) {
        out[index] = this.largest; // the rank lies in the overflow bucket
      } else {
        const upper = this.gamma ** (next - 1 + this.indexOffset);
        out[index] = this.clamp((2 * upper) / (this.gamma + 1));
      }
    }
    return out;
  }

  private clamp(v: number): number {
    return Math.max(this.smallest, Math.min(v, this.largest));
  }
}

/**
 * The 1-based nearest rank ⌈q·n⌉ (at least 1), forgiving float noise such as 0.9 × 10 =
 * 9.000000000000002 so that it does not skip to the next rank.
 */
export function nearestRank(q: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil(q * n * (1 - 1e-12))));
}
