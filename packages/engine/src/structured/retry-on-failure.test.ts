import { describe, expect, it } from "vitest";
import { onceUnlessRejected } from "./retry-on-failure.js";

describe("onceUnlessRejected", () => {
  it("loads once and shares the result between concurrent and later calls", async () => {
    let calls = 0;
    const load = onceUnlessRejected(async () => ++calls);
    const [a, b] = await Promise.all([load(), load()]);
    expect([a, b, await load()]).toEqual([1, 1, 1]);
    expect(calls).toBe(1);
  });

  it("a rejected load reaches its waiters, then the next call loads again", async () => {
    let calls = 0;
    const load = onceUnlessRejected(async () => {
      calls++;
      if (calls === 1) throw new Error("wasm failed to start");
      return "module";
    });
    const waiting = [load(), load()];
    await expect(waiting[0]).rejects.toThrow("wasm failed to start");
    await expect(waiting[1]).rejects.toThrow("wasm failed to start");
    expect(calls).toBe(1); // both waited on the same attempt
    await expect(load()).resolves.toBe("module");
    await expect(load()).resolves.toBe("module");
    expect(calls).toBe(2);
  });

  it("a load that throws synchronously is a rejection, retried too", async () => {
    let calls = 0;
    const load = onceUnlessRejected((): Promise<number> => {
      calls++;
      if (calls === 1) throw new Error("sync");
      return Promise.resolve(calls);
    });
    await expect(load()).rejects.toThrow("sync");
    await expect(load()).resolves.toBe(2);
  });
});
