import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { ridgePoint } from "./device-profiles.js";
import { measureHostProfile } from "./measure-host.js";

describe("measureHostProfile", () => {
  it("turns the measured passes into bytes/s and FLOP/s, scaled by threads (fake clock)", () => {
    // Every pass reads as 5 ms (each clock call adds 5): 1 MiB streamed in 5 ms, 2e6 × 8 FLOPs in 5 ms.
    let t = 0;
    const now = () => {
      t += 5;
      return t;
    };
    const one = measureHostProfile({ bytes: 1 << 20, now });
    expect(one.memoryBytesPerSecond).toBeCloseTo((1 << 20) / 0.005, 3);
    expect(one.peakFlopsPerSecond).toBeCloseTo(16e6 / 0.005, 3);
    const four = measureHostProfile({ bytes: 1 << 20, now, threads: 4 });
    expect(four.name).toBe("host-cpu-4t");
    expect(four.memoryBytesPerSecond).toBeCloseTo(4 * one.memoryBytesPerSecond, 3);
    expect(ridgePoint(four)).toBeCloseTo(ridgePoint(one), 9);
  });

  it("measures this machine within physical bounds", () => {
    const p = measureHostProfile({ bytes: 8 << 20 });
    expect(p.memoryBytesPerSecond).toBeGreaterThan(1e8);
    expect(p.memoryBytesPerSecond).toBeLessThan(1e12);
    expect(p.peakFlopsPerSecond).toBeGreaterThan(1e7);
    expect(p.peakFlopsPerSecond).toBeLessThan(1e12);
  });

  it("rejects a bad thread count and a clock that stands still", () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isPagodaError(err) ? err.code : "not a PagodaError";
      }
      return "no error";
    };
    expect(code(() => measureHostProfile({ threads: 0 }))).toBe("metrics.bad_value");
    expect(code(() => measureHostProfile({ bytes: 1024, now: () => 0 }))).toBe("metrics.measure_failed");
  });
});
