import { f32ToF16Bits } from "@pagoda/numerics";
import { describe, expect, it } from "vitest";
import { GgufError } from "../errors.js";
import { dequantize } from "../quant/dequantize.js";
import { memoryByteSource } from "../safetensors/byte-source.js";
import { ggufBytes } from "../testing/gguf-bytes.js";
import { ByteWriter } from "../tools/gguf/byte-writer.js";
import { GGUF_MAGIC, gguf } from "../tools/gguf/gguf-types.js";
import { openGguf } from "./gguf-file.js";

const open = (bytes: Uint8Array) => openGguf(memoryByteSource("t.gguf", bytes));

async function ggufError(bytes: Uint8Array): Promise<GgufError> {
  const err = await open(bytes).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GgufError);
  expect((err as Error).message).toMatch(/^t\.gguf: /);
  return err as GgufError;
}

// Two Q8_0 rows of 32: scales 0.5 and -2, quants i - 16 and (i % 5) - 2.
function q8Rows(): { bytes: Uint8Array; values: number[] } {
  const bytes = new Uint8Array(68);
  const values: number[] = [];
  const view = new DataView(bytes.buffer);
  [0.5, -2].forEach((d, r) => {
    view.setUint16(r * 34, f32ToF16Bits(d), true);
    for (let i = 0; i < 32; i++) {
      const q = r === 0 ? i - 16 : (i % 5) - 2;
      view.setInt8(r * 34 + 2 + i, q);
      values.push(d * q);
    }
  });
  return { bytes, values };
}

const f32Bytes = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

describe("openGguf", () => {
  it("reads every metadata type, tensor shapes outermost first, F32 and Q8_0 data", async () => {
    const q8 = q8Rows();
    const bytes = ggufBytes(
      [
        ["u8", { type: "u8", value: 200 }],
        ["i8", { type: "i8", value: -5 }],
        ["u16", { type: "u16", value: 65535 }],
        ["i16", { type: "i16", value: -300 }],
        ["u32", gguf.u32(4_000_000_000)],
        ["i32", gguf.i32(-7)],
        ["f32", gguf.f32(1e-5)],
        ["bool", gguf.bool(true)],
        ["str", gguf.string("héllo")],
        ["u64", { type: "u64", value: 2n ** 63n }],
        ["i64", { type: "i64", value: -(2n ** 40n) }],
        ["f64", { type: "f64", value: Math.PI }],
        ["strs", gguf.strings(["a", "", "ü"])],
        ["f32s", gguf.f32s([1.5, -2])],
      ],
      [
        { name: "vec", dims: [3], type: 0, data: f32Bytes([1, 2, 3]) },
        { name: "q8", dims: [32, 2], type: 8, data: q8.bytes },
      ],
    );
    const f = await open(bytes);
    const m = f.metadata;
    expect(f.version).toBe(3);
    expect([
      m.uint("u8"),
      m.number("i8"),
      m.uint("u16"),
      m.number("i16"),
      m.uint("u32"),
      m.number("i32"),
    ]).toEqual([200, -5, 65535, -300, 4_000_000_000, -7]);
    expect(m.number("f32")).toBe(1e-5);
    expect(m.bool("bool", false)).toBe(true);
    expect(m.string("str")).toBe("héllo");
    expect(m.entries.get("u64")?.value).toBe(2n ** 63n);
    expect(m.entries.get("i64")?.value).toBe(-(2n ** 40n));
    expect(m.number("f64")).toBe(Math.PI);
    expect(m.strings("strs")).toEqual(["a", "", "ü"]);
    expect(Array.from(m.numbers("f32s") ?? [])).toEqual([1.5, -2]);
    const vec = f.tensors.get("vec");
    expect(await vec?.read()).toEqual(Float32Array.from([1, 2, 3]));
    const q = f.tensors.get("q8");
    expect(q).toMatchObject({ dtype: "Q8_0", shape: [2, 32], numel: 64, byteLength: 68 });
    expect(await q?.readRaw()).toEqual(q8.bytes);
    expect([...((await q?.read()) ?? [])]).toEqual(q8.values);
    const staging = new Float32Array(100).fill(9);
    expect((await q?.read(staging))?.length).toBe(64);
    expect(staging[64]).toBe(9);
    await f.close();
  });

  it("reads a Q4_K tensor as model-loaders' dequantize does", async () => {
    const packed = Uint8Array.from({ length: 2 * 144 }, (_, i) => (i * 89 + 7) % 256);
    const view = new DataView(packed.buffer);
    for (const b of [0, 144]) {
      view.setUint16(b, f32ToF16Bits(0.01), true);
      view.setUint16(b + 2, f32ToF16Bits(0.002), true);
    }
    const f = await open(ggufBytes([], [{ name: "w", dims: [256, 2], type: 12, data: packed }]));
    const w = f.tensors.get("w");
    expect(w?.dtype).toBe("Q4_K");
    expect(await w?.read()).toEqual(dequantize("Q4_K", packed, new Float32Array(512)));
  });

  it("reads version 2 files", async () => {
    const f = await open(ggufBytes([["k", gguf.u32(1)]], [], 2));
    expect(f.version).toBe(2);
  });

  it("names a bad magic, an unsupported version and an unsupported tensor type", async () => {
    const good = ggufBytes([], []);
    const bad = good.slice();
    bad[0] = 0x7b;
    expect((await ggufError(bad)).code).toBe("gguf.bad_magic");
    const v1 = await ggufError(ggufBytes([], [], 1));
    expect(v1.code).toBe("gguf.unsupported_version");
    expect(v1.message).toMatch(/version 1 is not supported/);
    const q5k = await ggufError(
      ggufBytes([], [{ name: "blk.0.ffn_up.weight", dims: [256, 1], type: 13, data: new Uint8Array(176) }]),
    );
    expect(q5k.code).toBe("gguf.unsupported_tensor_type");
    expect(q5k.message).toMatch(/tensor blk\.0\.ffn_up\.weight is Q5_K/);
  });

  it("fails fast on absurd counts and lengths, never allocating for them", async () => {
    const header = (build: (w: ByteWriter) => void) => {
      const w = new ByteWriter();
      w.u32(GGUF_MAGIC);
      w.u32(3);
      build(w);
      return w.finish().slice();
    };
    const hugeString = header((w) => {
      w.u64(0);
      w.u64(1);
      w.u64(2n ** 60n); // key length
      w.u64(0);
      w.u64(0);
    });
    expect((await ggufError(hugeString)).code).toBe("gguf.bad_header");
    const longString = header((w) => {
      w.u64(0);
      w.u64(1);
      w.u64(2n ** 40n);
      w.u64(0);
      w.u64(0);
    });
    expect((await ggufError(longString)).message).toMatch(
      /the length of metadata key 0 is 1099511627776, but only 16 bytes follow/,
    );
    const manyTensors = header((w) => {
      w.u64(2n ** 50n);
      w.u64(0);
    });
    expect((await ggufError(manyTensors)).code).toBe("gguf.truncated");
    const hugeArray = header((w) => {
      w.u64(0);
      w.u64(1);
      w.string("tokenizer.ggml.tokens");
      w.u32(9);
      w.u32(8);
      w.u64(2n ** 45n);
    });
    const err = await ggufError(hugeArray);
    expect(err.code).toBe("gguf.truncated");
    expect(err.message).toMatch(/tokenizer\.ggml\.tokens/);
    const fiveDims = ggufBytes([], [{ name: "x", dims: [1, 1, 1, 1, 1], type: 0, data: new Uint8Array(4) }]);
    expect((await ggufError(fiveDims)).message).toMatch(/tensor x has 5 dimensions/);
  });

  it("rejects a file truncated at any point with gguf.truncated", async () => {
    const good = ggufBytes(
      [
        ["general.name", gguf.string("x")],
        ["s", gguf.strings(["ab", "cd"])],
      ],
      [{ name: "vec", dims: [8], type: 0, data: f32Bytes([1, 2, 3, 4, 5, 6, 7, 8]) }],
    );
    for (let n = 0; n < good.length; n += 3) {
      const err = await ggufError(good.subarray(0, n));
      expect(err.code).toBe("gguf.truncated");
    }
  });

  it("rejects tensors past the end of the file, and an alignment that is not a power of two", async () => {
    const past = await ggufError(
      ggufBytes([], [{ name: "vec", dims: [1000], type: 0, data: new Uint8Array(0) }]),
    );
    expect(past.code).toBe("gguf.truncated");
    expect(past.message).toMatch(/tensor vec \(4000 bytes at \d+\) runs past the end/);
    const align = await ggufError(ggufBytes([["general.alignment", gguf.u32(24)]], []));
    expect(align.code).toBe("gguf.bad_header");
    expect(align.message).toMatch(/general\.alignment must be a u32 power of two, got u32 24/);
  });
});
