import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { meetsSlo, parseGoodput } from "./goodput.js";

describe("goodput objectives", () => {
  it("parses vLLM-style pairs, one string or many", () => {
    expect(parseGoodput("ttft:500 tpot:50")).toEqual({ ttft: 500, tpot: 50 });
    expect(parseGoodput(["ttft:500", "e2el:2000"])).toEqual({ ttft: 500, e2el: 2000 });
  });

  it.each(["ttft", "ttft:", "ttft:-1", "speed:5", "ttft:5:6", ""])("rejects %j with bench.invalid", (bad) => {
    try {
      parseGoodput(bad);
      expect.unreachable();
    } catch (err) {
      expect(isPagodaError(err, "bench.invalid")).toBe(true);
    }
  });

  it("passes a request only when it meets every objective given", () => {
    const slo = { ttft: 500, tpot: 50 };
    expect(meetsSlo({ ttftSeconds: 0.4, tpotSeconds: 0.05, e2eSeconds: 9 }, slo)).toBe(true);
    expect(meetsSlo({ ttftSeconds: 0.6, tpotSeconds: 0.01, e2eSeconds: 1 }, slo)).toBe(false);
    expect(meetsSlo({ ttftSeconds: 0.1, tpotSeconds: 0.051, e2eSeconds: 1 }, slo)).toBe(false);
    expect(meetsSlo({ ttftSeconds: null, tpotSeconds: null, e2eSeconds: 1 }, slo)).toBe(false);
    // One output token: no TPOT to judge.
    expect(meetsSlo({ ttftSeconds: 0.1, tpotSeconds: null, e2eSeconds: 1 }, slo)).toBe(true);
    expect(meetsSlo({ ttftSeconds: 0.1, tpotSeconds: null, e2eSeconds: 3 }, { e2el: 2000 })).toBe(false);
  });
});
