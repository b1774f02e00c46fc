import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { greedyParams } from "./contract/index.js";
import { SchedulerRequest } from "./request.js";
import { RequestQueue } from "./request-queue.js";

const byKey = (a: SchedulerRequest, b: SchedulerRequest) => a.priority - b.priority || a.seq - b.seq;

function request(seq: number, priority: number): SchedulerRequest {
  return new SchedulerRequest(
    { requestId: `r${seq}`, promptTokenIds: [1], params: greedyParams(1), priority },
    0,
    seq,
  );
}

describe("RequestQueue", () => {
  it.each([
    ["one heap", undefined],
    ["a heap per group", (r: SchedulerRequest) => String(r.seq % 3)],
  ])("behaves like a sorted list under random pushes, removals and pops (%s)", (_, groupOf) => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("push" as const), priority: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("pop" as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const q = new RequestQueue(byKey, groupOf);
        let model: SchedulerRequest[] = [];
        let seq = 0;
        for (const o of ops) {
          if (o.kind === "push") {
            const r = request(seq++, o.priority);
            q.push(r);
            model.push(r);
          } else if (model.length > 0) {
            const victim = o.kind === "pop" ? model.sort(byKey)[0] : model[o.pick % model.length];
            q.remove(victim as SchedulerRequest);
            model = model.filter((r) => r !== victim);
          }
          expect(q.size).toBe(model.length);
          expect(q.peek()).toBe(model.sort(byKey)[0]);
        }
        for (const r of model) expect(r.queueIndex).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it("rebuilds itself when the order changes, and refuses double pushes and foreign removals", () => {
    let flip = 1;
    const q = new RequestQueue((a, b) => flip * (a.seq - b.seq));
    const rs = [0, 1, 2, 3, 4].map((i) => request(i, 0));
    for (const r of rs) q.push(r);
    expect(q.peek()).toBe(rs[0]);
    flip = -1;
    q.reorder();
    expect(q.peek()).toBe(rs[4]);
    expect(() => q.push(rs[1] as SchedulerRequest)).toThrow(/already queued/);
    const other = request(9, 0);
    expect(() => q.remove(other)).toThrow(/not in this queue/);
  });
});
