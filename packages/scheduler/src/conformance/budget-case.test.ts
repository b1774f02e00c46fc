import { describe, expect, it } from "vitest";
import { byArrival, lastInOrder, type SchedulingPolicy } from "../policies/policy.js";
import { createPriorityPolicy } from "../policies/priority.js";
import { checkBudgetPreemption } from "./budget-case.js";

const arrivalOrder = (mayPauseFor?: SchedulingPolicy["mayPauseFor"]) => (): SchedulingPolicy => ({
  name: "arrival",
  compareWaiting: byArrival,
  pickVictim: (c) => lastInOrder(c, byArrival),
  ...(mayPauseFor === undefined ? {} : { mayPauseFor }),
});

describe("the budget-preemption conformance case", () => {
  it("catches a policy that pauses a prefill for a request it orders after it", () => {
    expect(() =>
      checkBudgetPreemption(
        arrivalOrder(() => true),
        {},
      ),
    ).toThrow(/mayPauseFor lets 'short' go before 'long' but compareWaiting orders it after/);
  });

  it("passes priority (which pauses) and a policy without mayPauseFor (which never does)", () => {
    checkBudgetPreemption(createPriorityPolicy, { agingPerSecond: 0 });
    checkBudgetPreemption(arrivalOrder(), {});
  });
});
