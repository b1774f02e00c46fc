import { describeGpu } from "@pagoda/vitest-config/gpu";
import { afterAll, beforeAll, expect, it } from "vitest";
import { encodeCopy } from "../ops/copy.js";
import { randomF32 } from "../testing/random.js";
import { testDevice } from "../testing/test-device.js";
import { createStorageBuffer, readBuffer, readF32 } from "./buffers.js";
import { cachedPipelineCount } from "./pipeline-cache.js";
import { uploadMatrix } from "./weights.js";

describeGpu("KernelContext", () => {
  let t: Awaited<ReturnType<typeof testDevice>>;
  beforeAll(async () => {
    t = await testDevice();
  });
  afterAll(() => t.destroy());

  it("reuses slots and bind groups across recordings, rewriting only the uniforms", async () => {
    const { ctx, device } = t;
    const n = 4 * 301; // not a multiple of the 256-wide workgroup
    const input = randomF32(n, 1);
    const src = createStorageBuffer(device, "test.src", input);
    const a = createStorageBuffer(device, "test.a", n * 4);
    const b = createStorageBuffer(device, "test.b", n * 4);
    const record = (count: number) =>
      ctx.submit((pass) => {
        encodeCopy(pass, ctx, { src, dst: a, count });
        encodeCopy(pass, ctx, { src: a, dst: b, count });
      });
    record(n);
    expect([...(await readF32(device, b, n))]).toEqual([...input]);
    const made = ctx.bindGroupsCreated;
    const pipelines = cachedPipelineCount(device);
    device.queue.writeBuffer(b, 0, new Float32Array(n)); // zero b, then copy only a prefix
    record(8);
    const got = await readF32(device, b, n);
    expect([...got.slice(0, 8)]).toEqual([...input.slice(0, 8)]);
    expect(got[8]).toBe(0);
    expect(ctx.bindGroupsCreated).toBe(made);
    expect(cachedPipelineCount(device)).toBe(pipelines);
  });

  it("makes a new bind group when a slot's buffers change", async () => {
    const { ctx, device } = t;
    const src = createStorageBuffer(device, "test.src2", Float32Array.of(1, 2, 3, 4));
    const dst = createStorageBuffer(device, "test.dst2", 16);
    const before = ctx.bindGroupsCreated;
    ctx.submit((pass) => encodeCopy(pass, ctx, { src, dst, count: 4 }));
    expect(ctx.bindGroupsCreated).toBe(before + 1);
    expect([...(await readF32(device, dst, 4))]).toEqual([1, 2, 3, 4]);
  });

  it("refuses a binding too small for the shape, naming the buffer", () => {
    const src = createStorageBuffer(t.device, "test.big", 64);
    const dst = createStorageBuffer(t.device, "test.small", 32);
    const range = { buffer: src, offset: 32 };
    expect(() => t.ctx.submit((pass) => encodeCopy(pass, t.ctx, { src, dst, count: 16 }))).toThrow(
      /copy dst: buffer "test.small" holds 32 B, needs 64 B/,
    );
    expect(() => t.ctx.submit((pass) => encodeCopy(pass, t.ctx, { src: range, dst, count: 16 }))).toThrow(
      /copy src: buffer "test.big" holds 32 B/,
    );
  });

  it("reads a byte range back", async () => {
    const buf = createStorageBuffer(t.device, "test.range", Int32Array.of(5, 6, 7, 8));
    expect([...new Int32Array(await readBuffer(t.device, buf, 8, 8))]).toEqual([7, 8]);
  });

  it("splits a matrix by rows under a forced part limit", async () => {
    const data = randomF32(7 * 5, 2);
    const m = uploadMatrix(t.device, {
      label: "test.split",
      rows: 7,
      cols: 5,
      data,
      maxPartBytes: 3 * 20 + 4,
    });
    expect(m.parts.map((p) => [p.rowStart, p.rows])).toEqual([
      [0, 3],
      [3, 3],
      [6, 1],
    ]);
    const last = m.parts[2];
    if (!last) throw new Error("missing part");
    expect([...(await readF32(t.device, last.buffer, 5))]).toEqual([...data.slice(30)]);
  });
});
