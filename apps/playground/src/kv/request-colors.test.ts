import { describe, expect, it } from "vitest";
import { isSampleId, parentRequestId, RequestColors } from "./request-colors.js";

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
