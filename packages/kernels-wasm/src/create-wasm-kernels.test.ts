import { availableParallelism } from "node:os";
import { isPagodaError } from "@pagoda/errors";
import { describe, expect, it } from "vitest";
import { createKernelRuntime, createWasmKernels } from "./create-wasm-kernels.js";
import { KernelId } from "./kernel-ids.js";
import { upload } from "./testing/kernels-pair.js";
import { WeightType } from "./weight-type.js";

describe("createWasmKernels", () => {
  it("defaults to one thread per core, on a shared memory", async () => {
    const k = await createWasmKernels();
    expect(k.threads).toBe(availableParallelism());
    expect(k.sharedMemory).toBe(k.threads > 1);
    await k.close();
  });

  it("dispatches right after creation, back to back (a regression here hangs)", async () => {
    const { rt } = await createKernelRuntime({ threads: 3 });
    for (let i = 0; i < 1000; i++) {
      rt.args();
      rt.launch(KernelId.noop, Number.POSITIVE_INFINITY);
    }
    await rt.close();
  });

  it("refuses a parallelMinWork that is not a number >= 0", async () => {
    const err = await createWasmKernels({ threads: 1, parallelMinWork: -1 }).catch((e) => e);
    expect(isPagodaError(err, "kernels_wasm.bad_argument")).toBe(true);
    expect(String(err.message)).toContain("parallelMinWork");
  });

  it("reports the bytes allocated and the maximum, so a caller can check a fit first", async () => {
    const k = await createWasmKernels({ threads: 1, maximumMemoryBytes: 4 << 20 });
    expect(k.maxBytes).toBe(4 << 20);
    const before = k.usedBytes;
    const ptr = k.alloc(1000, 64);
    expect(k.usedBytes).toBe(ptr + 1000);
    expect(k.usedBytes - before).toBeGreaterThanOrEqual(1000);
    expect(() => k.alloc(k.maxBytes - k.usedBytes + 1)).toThrow(
      expect.objectContaining({ code: "kernels_wasm.out_of_memory" }),
    );
    await k.close();
  });

  it("threads: 1 is the single-thread fallback on a non-shared memory", async () => {
    const k = await createWasmKernels({ threads: 1 });
    expect(k.threads).toBe(1);
    expect(k.sharedMemory).toBe(false);
    await k.close();
  });

  it("runs more threads than cores, with the same bits", async () => {
    const results: Uint32Array[] = [];
    for (const threads of [1, 3, 5]) {
      const k = await createWasmKernels({ threads, parallelMinWork: 0 });
      const [inDim, outDim] = [300, 257];
      const x = upload(
        k,
        Float32Array.from({ length: 2 * inDim }, (_, i) => Math.sin(i)),
      );
      const w = upload(
        k,
        Float32Array.from({ length: inDim * outDim }, (_, i) => Math.cos(i * 0.7)),
      );
      const out = k.alloc(2 * outDim * 4);
      k.matmul({ x, weight: w, weightType: WeightType.F32, out, numRows: 2, inDim, outDim });
      results.push(new Uint32Array(k.f32(out, 2 * outDim).slice().buffer));
      await k.close();
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it("alloc grows the memory, aligns, and names the sizes past the maximum", async () => {
    const k = await createWasmKernels({ threads: 2, maximumMemoryBytes: 4 << 20 });
    const a = k.alloc(3);
    const b = k.alloc(2 << 20, 256);
    expect(b % 256).toBe(0);
    expect(b).toBeGreaterThan(a);
    k.f32(b, 1 << 19).fill(1); // the grown memory is usable
    let err: unknown;
    try {
      k.alloc(3 << 20);
    } catch (e) {
      err = e;
    }
    expect(isPagodaError(err, "kernels_wasm.out_of_memory")).toBe(true);
    expect(String(err)).toContain("cannot allocate 3145728 bytes");
    expect(String(err)).toContain("maximum is 4194304 bytes");
    await k.close();
  });

  it("launches after close() throw kernels_wasm.closed", async () => {
    const k = await createWasmKernels({ threads: 2 });
    const p = k.alloc(64);
    await k.close();
    expect(() => k.swiglu({ gateUp: p, out: p, rows: 1, ffn: 1 })).toThrow(/after close/);
  });
});
