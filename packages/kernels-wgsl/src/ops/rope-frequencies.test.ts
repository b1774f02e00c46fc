import { describe, expect, it } from "vitest";
import { ropeInverseFrequencies } from "./rope-frequencies.js";

const LLAMA3 = { factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 };

describe("ropeInverseFrequencies", () => {
  it("follows theta^(-2i/d)", () => {
    const f = ropeInverseFrequencies({ headDim: 8, theta: 10000 });
    expect([...f]).toEqual([1, 0.1, 0.01, 0.001].map(Math.fround));
  });

  it("applies llama3 scaling: high frequencies kept, low divided by factor, the band between blended", () => {
    const plain = ropeInverseFrequencies({ headDim: 128, theta: 500000 });
    const scaled = ropeInverseFrequencies({ headDim: 128, theta: 500000, llama3: LLAMA3 });
    let kept = 0;
    let divided = 0;
    let blended = 0;
    for (let i = 0; i < 64; i++) {
      const p = plain[i] ?? 0;
      const s = scaled[i] ?? 0;
      const wavelen = (2 * Math.PI) / p;
      if (wavelen < 8192 / 4) {
        expect(s).toBe(p);
        kept++;
      } else if (wavelen > 8192) {
        expect(s).toBeCloseTo(p / 8, 12);
        divided++;
      } else {
        expect(s).toBeGreaterThan(p / 8);
        expect(s).toBeLessThan(p);
        blended++;
      }
    }
    expect([kept > 0, divided > 0, blended > 0]).toEqual([true, true, true]);
  });

  it("rejects an odd head dim and bad scaling", () => {
    expect(() => ropeInverseFrequencies({ headDim: 7, theta: 1e4 })).toThrow(/head_dim 7/);
    expect(() =>
      ropeInverseFrequencies({ headDim: 8, theta: 1e4, llama3: { ...LLAMA3, highFreqFactor: 1 } }),
    ).toThrow(/llama3/);
  });
});
