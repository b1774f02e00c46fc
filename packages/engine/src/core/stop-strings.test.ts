import { describe, expect, it } from "vitest";
import { StopStringMatcher } from "./stop-strings.js";

describe("StopStringMatcher", () => {
  it("finds a stop string split across deltas and emits nothing of it", () => {
    const m = new StopStringMatcher(["STOP"]);
    expect(m.push("abc S")).toEqual({ emit: "abc ", stop: null });
    expect(m.push("T")).toEqual({ emit: "", stop: null });
    expect(m.push("OP tail")).toEqual({ emit: "", stop: "STOP" });
  });

  it("releases held text once it can no longer start a stop string", () => {
    const m = new StopStringMatcher(["\n\n"]);
    expect(m.push("a\n")).toEqual({ emit: "a", stop: null });
    expect(m.push("b")).toEqual({ emit: "\nb", stop: null });
    expect(m.push("\n")).toEqual({ emit: "", stop: null });
    expect(m.flush()).toBe("\n");
  });

  it("ends at the earliest of several stop strings", () => {
    const m = new StopStringMatcher(["xyz", "b"]);
    expect(m.push("axyzb")).toEqual({ emit: "a", stop: "xyz" });
  });

  it("passes text through when there are no stop strings", () => {
    const m = new StopStringMatcher([]);
    expect(m.push("S")).toEqual({ emit: "S", stop: null });
  });

  it("holds the longest possible start (overlapping prefixes)", () => {
    const m = new StopStringMatcher(["aab"]);
    expect(m.push("xaa")).toEqual({ emit: "x", stop: null });
    expect(m.push("a")).toEqual({ emit: "a", stop: null });
    expect(m.push("b!")).toEqual({ emit: "", stop: "aab" });
  });

  it("with includeStop, ends the emitted text with the stop string (nothing after it)", () => {
    const m = new StopStringMatcher(["STOP"], { includeStop: true });
    expect(m.push("abc ST")).toEqual({ emit: "abc ", stop: null });
    expect(m.push("OP tail")).toEqual({ emit: "STOP", stop: "STOP" });
  });
});
