import type { PagodaDevice } from "@pagoda/kernels-wgsl";
import { describe, expect, it } from "vitest";
import { GpuWait, isSoftwareAdapter } from "./gpu-wait.js";

const adapter = (description: string) =>
  ({ adapterInfo: { description, device: "" } }) as unknown as PagodaDevice;

describe("GpuWait", () => {
  it("tells software adapters from GPUs", () => {
    expect(isSoftwareAdapter(adapter("llvmpipe (LLVM 15.0.6, 256 bits)"))).toBe(true);
    expect(isSoftwareAdapter(adapter("NVIDIA H100 80GB HBM3"))).toBe(false);
  });

  it("sleeps for most of what steps of a similar size took, and not at all when off", async () => {
    const on = new GpuWait(true);
    const off = new GpuWait(false);
    for (const w of [on, off]) {
      w.record(64, 60);
      w.record(1000, 5000); // a prefill step: another bucket, must not inflate the decode wait
    }
    const time = async (w: GpuWait) => {
      const t = performance.now();
      await w.settle(64);
      return performance.now() - t;
    };
    expect(await time(on)).toBeGreaterThanOrEqual(45);
    expect(await time(on)).toBeLessThan(1000);
    expect(await time(off)).toBeLessThan(10);
    expect(await time(new GpuWait(true))).toBeLessThan(10); // nothing measured yet
  });
});
