import { describe, expect, it } from "vitest";
import { ropeInvFreq } from "./rope-frequencies.js";

const LLAMA3 = {
  type: "llama3" as const,
  factor: 8,
  lowFreqFactor: 1,
  highFreqFactor: 4,
  originalMaxPositionEmbeddings: 8192,
};

describe("ropeInvFreq", () => {
  it("follows theta^(-2i/d)", () => {
    const f = ropeInvFreq(8, 10000, null);
    expect(f.length).toBe(4);
    [1, 0.1, 0.01, 0.001].forEach((want, i) => {
      expect(f[i]).toBeCloseTo(want, 15);
    });
  });

  it("applies llama3 scaling: high frequencies kept, low divided by factor, the band between blended", () => {
    const plain = ropeInvFreq(128, 500000, null);
    const scaled = ropeInvFreq(128, 500000, LLAMA3);
    const seen = { kept: 0, divided: 0, blended: 0 };
    for (let i = 0; i < 64; i++) {
      const p = plain[i] as number;
      const s = scaled[i] as number;
      const wavelen = (2 * Math.PI) / p;
      if (wavelen < 8192 / 4) {
        expect(s).toBe(p);
        seen.kept++;
      } else if (wavelen > 8192) {
        expect(s).toBe(p / 8);
        seen.divided++;
      } else {
        expect(s).toBeGreaterThan(p / 8);
        expect(s).toBeLessThan(p);
        seen.blended++;
      }
    }
    expect(Object.values(seen).every((n) => n > 0)).toBe(true);
  });

  it("feeds the GPU buffer as the nearest f32 of each frequency", () => {
    const f64 = ropeInvFreq(64, 1e6, LLAMA3);
    const f32 = Float32Array.from(f64);
    f64.forEach((v, i) => {
      expect(Math.abs((f32[i] as number) - v)).toBeLessThanOrEqual(v * 2 ** -24);
    });
  });
});
