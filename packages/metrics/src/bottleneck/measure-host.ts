import { MetricsError } from "../errors.js";
import type { DeviceProfile } from "./device-profiles.js";

/** Options of {@link measureHostProfile}. */
export interface MeasureHostOptions {
  /** Threads the executor computes on; both roofs scale with them. Default 1. */
  readonly threads?: number;
  /** Bytes streamed for the bandwidth figure; default 32 MiB, well past any cache. */
  readonly bytes?: number;
  /** Clock in milliseconds; default `performance.now`. */
  readonly now?: () => number;
}

/**
 * A roofline profile of the CPU this runs on, measured in a few tens of milliseconds: the
 * bandwidth of streaming a buffer larger than the caches, and the rate of independent
 * multiply-adds, on this thread, times `threads`. No datasheet knows the host a CPU executor
 * lands on, so it is measured; JavaScript does not vectorise, so the FLOP roof is a lower bound
 * on what SIMD kernels reach and the ridge point leans towards "compute".
 */
export function measureHostProfile(options: MeasureHostOptions = {}): DeviceProfile {
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new MetricsError("metrics.bad_value", `threads must be an integer ≥ 1, got ${threads}`);
  }
  const now = options.now ?? (() => performance.now());
  const n = Math.max(1024, Math.floor((options.bytes ?? 32 << 20) / 8));
  const data = new Float64Array(n).fill(1);
  // Best of three: the first pass also pays for page faults and the JIT.
  let bandwidth = 0;
  for (let pass = 0; pass < 3; pass++) {
    const t0 = now();
    let sum = 0;
    for (let i = 0; i < n; i++) sum += data[i] ?? 0;
    const seconds = (now() - t0) / 1000;
    if (sum !== n) throw new MetricsError("metrics.measure_failed", "the bandwidth pass misread its buffer");
    if (seconds > 0) bandwidth = Math.max(bandwidth, (n * 8) / seconds);
  }
  let flops = 0;
  const iterations = 2_000_000;
  for (let pass = 0; pass < 3; pass++) {
    // Four independent multiply-add chains, so the loop is bound by arithmetic, not latency.
    let a = 1;
    let b = 1;
    let c = 1;
    let d = 1;
    const t0 = now();
    for (let i = 0; i < iterations; i++) {
      a = a * 0.999999 + 1e-7;
      b = b * 0.999998 + 2e-7;
      c = c * 0.999997 + 3e-7;
      d = d * 0.999996 + 4e-7;
    }
    const seconds = (now() - t0) / 1000;
    if (!Number.isFinite(a + b + c + d))
      throw new MetricsError("metrics.measure_failed", "the FLOP pass overflowed");
    if (seconds > 0) flops = Math.max(flops, (iterations * 8) / seconds);
  }
  if (!(bandwidth > 0 && flops > 0)) {
    throw new MetricsError("metrics.measure_failed", "the clock did not advance while measuring the host");
  }
  return {
    name: `host-cpu-${threads}t`,
    peakFlopsPerSecond: flops * threads,
    memoryBytesPerSecond: bandwidth * threads,
  };
}
