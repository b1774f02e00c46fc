import type { EngineClient } from "@pagoda/engine";
import { codeOf } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { Admission } from "./admission.js";

/** An engine whose published stats say `numWaiting` requests wait. */
function reporting(numWaiting: number): Pick<EngineClient, "stats"> {
  return { stats: () => ({ numWaiting }) as ReturnType<EngineClient["stats"]> };
}

describe("Admission", () => {
  it("counts what it admitted until the submission settles, when the engine's stats carry it", () => {
    const admission = new Admission(3);
    const stale = reporting(1); // the engine has not reported the burst yet
    const releases = [admission.admit(stale, 1), admission.admit(stale, 1)];
    expect(admission.numPending).toBe(2);
    expect(codeOf(() => admission.admit(stale, 1))).toBe("queue.full");
    for (const release of releases) release();
    releases[0]?.(); // a second call changes nothing
    expect(admission.numPending).toBe(0);
    expect(codeOf(() => admission.admit(reporting(3), 1))).toBe("queue.full");
    expect(codeOf(() => admission.admit(reporting(2), 1))).toBe("no error");
  });

  it("counts every engine request of a batch, and 0 rejects everything", () => {
    const admission = new Admission(4);
    admission.admit(reporting(0), 4);
    expect(codeOf(() => admission.admit(reporting(0), 1))).toBe("queue.full");
    expect(codeOf(() => new Admission(0).admit(reporting(0), 1))).toBe("queue.full");
  });

  it("admits everything without a limit, keeping no count", () => {
    const admission = new Admission(null);
    for (let i = 0; i < 100; i++) admission.admit(reporting(1000), 1);
    expect(admission.numPending).toBe(0);
  });

  it("says how many wait and the limit, and asks for a retry after 1 s", () => {
    const admission = new Admission(2);
    admission.admit(reporting(1), 1);
    try {
      admission.admit(reporting(1), 1);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: "queue.full", details: { retryAfterS: 1 } });
      expect((err as Error).message).toContain("2 requests are waiting (limit 2)");
    }
  });
});
