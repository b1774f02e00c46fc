import { describe, expect, it } from "vitest";
import { isSampleId, parentRequestId, RequestColors, shortRequestId } from "./request-colors.js";

describe("RequestColors", () => {
  it("keeps one colour per request and gives samples their parent's", () => {
    const c = new RequestColors();
    const a = c.colorOf("cmpl-a");
    c.colorOf("cmpl-b");
    expect(c.colorOf("cmpl-a")).toBe(a);
    expect(c.colorOf("cmpl-a#2")).toBe(a);
    expect(parentRequestId("cmpl-a#2")).toBe("cmpl-a");
    expect(isSampleId("cmpl-a#2")).toBe(true);
    expect(isSampleId("cmpl-a")).toBe(false);
  });

  it("spreads the hues of the first dozen requests at least 15 degrees apart", () => {
    const c = new RequestColors();
    const hues = Array.from({ length: 12 }, (_, i) => c.hueOf(`cmpl-${i}`));
    for (let i = 0; i < hues.length; i++) {
      for (let j = i + 1; j < hues.length; j++) {
        const d = Math.abs((hues[i] ?? 0) - (hues[j] ?? 0));
        expect(Math.min(d, 360 - d)).toBeGreaterThan(15);
      }
    }
    expect(new Set(hues.map((_, i) => c.colorOf(`cmpl-${i}`))).size).toBe(12);
  });
});

describe("shortRequestId", () => {
  it("keeps the prefix, the last six characters and the sample suffix", () => {
    expect(shortRequestId("cmpl-36381974f8b5402c99225d13d81f2545")).toBe("cmpl-…1f2545");
    expect(shortRequestId("chatcmpl-36381974f8b5402c99225d13d81f2545#3")).toBe("chatcmpl-…1f2545#3");
    expect(shortRequestId("req-12")).toBe("req-12");
    expect(shortRequestId("x")).toBe("x");
  });
});
