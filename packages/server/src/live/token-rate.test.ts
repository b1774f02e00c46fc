import { describe, expect, it } from "vitest";
import { TokenRate } from "./token-rate.js";

describe("TokenRate", () => {
  it("is the slope of the running total over the window, and forgets older samples", () => {
    const rate = new TokenRate(5);
    expect(rate.update(0, 0)).toBe(0);
    expect(rate.update(1, 100)).toBe(100);
    expect(rate.update(2, 300)).toBe(150);
    for (let t = 3; t <= 10; t++) rate.update(t, 300); // idle: no new tokens
    expect(rate.update(11, 300)).toBe(0);
  });
});
