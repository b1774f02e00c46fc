import { describe, expect, it } from "vitest";
import { byArrival, type SchedulingPolicy } from "../policies/policy.js";
import type { RequestView } from "../request.js";
import { conformanceCases } from "./cases.js";

// The suite must be able to fail: a policy that breaks the scheduler's rules is caught.
describe("conformance cases", () => {
  it("catch a policy whose victim is not a candidate (a running request is lost)", () => {
    const broken = (): SchedulingPolicy => ({
      name: "broken",
      compareWaiting: byArrival,
      // Always the first candidate, but a stale copy: the scheduler cannot find it.
      pickVictim: (c: readonly RequestView[]) => ({ ...(c[0] as RequestView) }),
    });
    const failures = conformanceCases(broken).filter((c) => {
      try {
        c.run();
        return false;
      } catch {
        return true;
      }
    });
    expect(failures.length).toBeGreaterThan(0);
  });

  it("pass a correct policy", () => {
    const fcfs = (): SchedulingPolicy => ({
      name: "plain",
      compareWaiting: byArrival,
      pickVictim: (c) => c.reduce((w, r) => (byArrival(r, w) > 0 ? r : w)),
    });
    for (const c of conformanceCases(fcfs)) c.run();
  });
});
