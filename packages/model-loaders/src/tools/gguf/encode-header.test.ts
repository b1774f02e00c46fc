import { describe, expect, it } from "vitest";
import { readGguf } from "../../testing/read-gguf.js";
import { encodeGgufHeader, ggufLayout } from "./encode-header.js";
import type { GgufMetadata } from "./gguf-types.js";

describe("encodeGgufHeader", () => {
  it("writes every value type, arrays included, that the reader reads back", async () => {
    const metadata: GgufMetadata = [
      ["a.u8", { type: "u8", value: 255 }],
      ["a.i8", { type: "i8", value: -128 }],
      ["a.u16", { type: "u16", value: 65535 }],
      ["a.i16", { type: "i16", value: -32768 }],
      ["a.u32", { type: "u32", value: 4294967295 }],
      ["a.i32", { type: "i32", value: -2147483648 }],
      ["a.f32", { type: "f32", value: 1e-5 }],
      ["a.bool", { type: "bool", value: true }],
      ["a.string", { type: "string", value: "héllo ▁ 世界" }],
      ["a.u64", { type: "u64", value: 2n ** 64n - 1n }],
      ["a.i64", { type: "i64", value: -(2n ** 63n) }],
      ["a.f64", { type: "f64", value: Math.PI }],
      ["a.strings", { type: "array", itemType: "string", value: ["", "x", "▁the"] }],
      ["a.f32s", { type: "array", itemType: "f32", value: Float32Array.from([0.5, -1]) }],
      ["a.i32s", { type: "array", itemType: "i32", value: Int32Array.from([1, -6]) }],
    ];
    const bytes = encodeGgufHeader(metadata, []);
    const file = await readGguf(bytes);
    expect(file.version).toBe(3);
    expect([...file.metadata.entries()].map(([k, v]) => [k, v.value])).toEqual([
      ["a.u8", 255],
      ["a.i8", -128],
      ["a.u16", 65535],
      ["a.i16", -32768],
      ["a.u32", 4294967295],
      ["a.i32", -2147483648],
      ["a.f32", 1e-5], // f32 1e-5, read back as its shortest decimal
      ["a.bool", true],
      ["a.string", "héllo ▁ 世界"],
      ["a.u64", 2n ** 64n - 1n],
      ["a.i64", -(2n ** 63n)],
      ["a.f64", Math.PI],
      ["a.strings", ["", "x", "▁the"]],
      ["a.f32s", [0.5, -1]],
      ["a.i32s", [1, -6]],
    ]);
    expect(file.metadata.get("a.strings")?.type).toBe(9);
    expect(bytes.length % 32).toBe(0);
  });

  it("grows past its first buffer without losing bytes", async () => {
    const words = Array.from({ length: 20_000 }, (_, i) => `token-${i}`);
    const file = await readGguf(
      encodeGgufHeader([["big", { type: "array", itemType: "string", value: words }]], []),
    );
    expect(file.metadata.get("big")?.value).toEqual(words);
  });

  it("aligns every tensor's data offset to 32 bytes", async () => {
    const tensors = [
      { name: "a", type: "F32" as const, dims: [3] },
      { name: "b", type: "F16" as const, dims: [5, 3] },
      { name: "c", type: "F32" as const, dims: [1] },
    ];
    const layout = ggufLayout(tensors);
    expect(layout.offsets).toEqual([0, 32, 64]);
    expect(layout.sizes).toEqual([12, 30, 4]);
    expect(layout.dataBytes).toBe(96);
    const header = encodeGgufHeader([], tensors);
    const withData = new Uint8Array(header.length + layout.dataBytes);
    withData.set(header);
    const file = await readGguf(withData);
    expect(file.tensors).toEqual([
      { name: "a", dims: [3], type: 0, offset: 0 },
      { name: "b", dims: [5, 3], type: 1, offset: 32 },
      { name: "c", dims: [1], type: 0, offset: 64 },
    ]);
    expect(file.dataStart % 32).toBe(0);
  });
});
