import { join } from "node:path";
import { f32ToBf16, f32ToF16 } from "@pagoda/numerics";
import { describe, expect, it } from "vitest";
import { tempDir } from "../testing/fixtures.js";
import { type ByteSource, memoryByteSource, responseByteSource } from "./byte-source.js";
import { openFileByteSource } from "./file-byte-source.js";
import { openSafetensors } from "./safetensors-file.js";
import { writeSafetensorsFile } from "./write-file.js";
import { serializeSafetensors, type TensorToWrite } from "./writer.js";

const values = Float32Array.from({ length: 12 }, (_, i) => (i - 5.5) / 4);
const TENSORS: TensorToWrite[] = [
  { name: "a.f32", dtype: "F32", shape: [3, 4], data: values },
  { name: "b.f16", dtype: "F16", shape: [12], data: values },
  { name: "c.bf16", dtype: "BF16", shape: [2, 2, 3], data: () => values },
  { name: "d.i32", dtype: "I32", shape: [3], data: new Uint8Array(new Int32Array([7, -1, 42]).buffer) },
  { name: "e.scalar", dtype: "F32", shape: [], data: new Float32Array([9]) },
  { name: "f.empty", dtype: "F16", shape: [0, 5], data: new Float32Array(0) },
];

// Counts reads, to show that opening reads the header only.
function counting(source: ByteSource): ByteSource & { bytesRead: number } {
  const c = {
    ...source,
    bytesRead: 0,
    async readInto(offset: number, target: Uint8Array) {
      c.bytesRead += target.length;
      return source.readInto(offset, target);
    },
  };
  return c;
}

describe("safetensors writer and reader", () => {
  it("round-trips every dtype through memory, with metadata and 8-byte aligned data", async () => {
    const bytes = serializeSafetensors(TENSORS, { format: "pt", note: "x" });
    const file = await openSafetensors(memoryByteSource("mem.safetensors", bytes));
    expect(file.metadata).toEqual({ format: "pt", note: "x" });
    expect(file.dataStart % 8).toBe(0);
    expect([...file.tensors.keys()]).toEqual(TENSORS.map((t) => t.name));
    const a = file.tensors.get("a.f32");
    expect(a?.shape).toEqual([3, 4]);
    expect(await a?.read()).toEqual(values);
    // Halves and bf16 hold these quarter-steps exactly.
    expect(await file.tensors.get("b.f16")?.read()).toEqual(values);
    expect(await file.tensors.get("c.bf16")?.read()).toEqual(values);
    expect(new Uint16Array((await file.tensors.get("b.f16")?.readRaw())?.buffer as ArrayBuffer)).toEqual(
      f32ToF16(values),
    );
    const raw = await file.tensors.get("d.i32")?.readRaw();
    expect(Array.from(new Int32Array(raw?.buffer as ArrayBuffer))).toEqual([7, -1, 42]);
    expect(await file.tensors.get("e.scalar")?.read()).toEqual(new Float32Array([9]));
    expect((await file.tensors.get("f.empty")?.read())?.length).toBe(0);
    await expect(file.tensors.get("d.i32")?.read()).rejects.toMatchObject({
      code: "safetensors.unsupported_conversion",
      message: expect.stringMatching(/mem\.safetensors.*d\.i32.*I32/),
    });
  });

  it("reads a file lazily through a file handle: opening reads only the header", async () => {
    const dir = await tempDir();
    const path = join(dir, "m.safetensors");
    await writeSafetensorsFile(path, TENSORS, { format: "pt" });
    const source = counting(await openFileByteSource(path));
    const file = await openSafetensors(source);
    expect(source.bytesRead).toBe(file.dataStart);
    const c = file.tensors.get("c.bf16");
    expect(await c?.read()).toEqual(values);
    expect(source.bytesRead).toBe(file.dataStart + 24);
    await file.close();
    await expect(c?.read()).rejects.toMatchObject({
      code: "safetensors.closed",
      message: expect.stringContaining(path),
    });
  });

  it("converts big BF16 and F16 tensors slice by slice, exactly", async () => {
    const n = 2_500_001; // > one 4 MiB conversion slice of 16-bit values, and odd
    const big = new Float32Array(n);
    for (let i = 0; i < n; i++) big[i] = Math.sin(i) * 1000;
    const bytes = serializeSafetensors([
      { name: "bf", dtype: "BF16", shape: [n], data: big },
      { name: "h", dtype: "F16", shape: [n], data: big },
    ]);
    const file = await openSafetensors(memoryByteSource("big", bytes));
    const bf = (await file.tensors.get("bf")?.read()) as Float32Array;
    const bits = f32ToBf16(big);
    const wrong = [0, 1, 2_097_151, 2_097_152, 2_097_153, n - 1].filter(
      (i) => new Uint32Array(bf.buffer)[i] !== ((bits[i] as number) << 16) >>> 0,
    );
    expect(wrong).toEqual([]);
    const h = (await file.tensors.get("h")?.read()) as Float32Array;
    expect(h[n - 1]).toBeCloseTo(big[n - 1] as number, 0);
    expect(h[2_097_152]).toBeCloseTo(big[2_097_152] as number, 0);
  }, 30_000);

  it("reads into a caller's staging buffer, and refuses one that is too small", async () => {
    const file = await openSafetensors(memoryByteSource("mem", serializeSafetensors(TENSORS)));
    const staging = new Float32Array(100).fill(-1);
    for (const name of ["a.f32", "b.f16", "c.bf16"]) {
      const t = file.tensors.get(name);
      const got = await t?.read(staging);
      expect(got?.buffer).toBe(staging.buffer);
      expect(got).toEqual(values);
      expect(t?.numel).toBe(12);
    }
    expect(staging[12]).toBe(-1);
    await expect(file.tensors.get("a.f32")?.read(new Float32Array(11))).rejects.toMatchObject({
      code: "safetensors.size_mismatch",
      message: 'mem: tensor "a.f32" has 12 values; the target holds 11',
    });
  });

  it("reads from a fetched Response like from a file", async () => {
    const bytes = serializeSafetensors(TENSORS);
    const file = await openSafetensors(await responseByteSource("remote", new Response(bytes)));
    expect(await file.tensors.get("a.f32")?.read()).toEqual(values);
    await expect(responseByteSource("gone", new Response("no", { status: 404 }))).rejects.toMatchObject({
      code: "safetensors.missing_file",
    });
  });
});
