import { describe, expect, it } from "vitest";
import { AsyncQueue } from "./async-queue.js";

describe("AsyncQueue", () => {
  it("hands items over in order, then ends; a failure is thrown after the queued items", async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const x of q) seen.push(x);
    })();
    q.push(2);
    await Promise.resolve();
    q.push(3);
    q.end();
    q.push(4);
    await reading;
    expect(seen).toEqual([1, 2, 3]);

    const f = new AsyncQueue<number>();
    f.push(1);
    f.fail(new Error("broken"));
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const x of f) got.push(x);
      })(),
    ).rejects.toThrow("broken");
    expect(got).toEqual([1]);
  });

  it("calls onCancel when the reader leaves early, and not after the end", async () => {
    let cancels = 0;
    const early = new AsyncQueue<number>(() => cancels++);
    early.push(1);
    early.push(2);
    for await (const _ of early) break;
    expect(cancels).toBe(1);

    const late = new AsyncQueue<number>(() => cancels++);
    late.push(1);
    late.end();
    for await (const _ of late) break;
    expect(cancels).toBe(1);
  });
});
