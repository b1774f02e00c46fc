import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SafetensorsError } from "../errors.js";
import { tempDir } from "../testing/fixtures.js";
import { openFileByteSource } from "./file-byte-source.js";
import { MAX_HEADER_BYTES } from "./header.js";
import { openSafetensors } from "./safetensors-file.js";
import { serializeSafetensors } from "./writer.js";

function raw(header: string, data: Uint8Array | number = 0, length?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

const entry = (dtype: string, shape: number[], begin: number, end: number) =>
  ({ dtype, shape, data_offsets: [begin, end] }) as const;

/** Writes `bytes` to a file, opens it, and returns the error (which must be a SafetensorsError). */
async function failure(bytes: Uint8Array): Promise<{ err: SafetensorsError; path: string }> {
  const path = join(await tempDir(), "model.safetensors");
  await writeFile(path, bytes);
  const source = await openFileByteSource(path);
  try {
    await openSafetensors(source);
  } catch (err) {
    expect(err).toBeInstanceOf(SafetensorsError);
    return { err: err as SafetensorsError, path };
  } finally {
    await source.close();
  }
  throw new Error("expected openSafetensors to fail");
}

async function expectFault(bytes: Uint8Array, code: string, reason: RegExp): Promise<void> {
  const { err, path } = await failure(bytes);
  expect(err.code).toBe(code);
  expect(err.message).toContain(path);
  expect(err.message).toMatch(reason);
  expect(err.details?.file).toBe(path);
}

const good = serializeSafetensors([
  { name: "w", dtype: "F32", shape: [4, 4], data: new Float32Array(16) },
  { name: "b", dtype: "F32", shape: [4], data: new Float32Array(4) },
]);

describe("malformed safetensors files", () => {
  it("empty file", () => expectFault(new Uint8Array(0), "safetensors.empty", /empty/));

  it("file shorter than the length prefix", () =>
    expectFault(new Uint8Array(5), "safetensors.truncated", /5 bytes, fewer than the 8-byte/));

  it("file cut short inside the data", () =>
    expectFault(good.subarray(0, good.length - 10), "safetensors.truncated", /truncated.*10 missing/));

  it("header length past the end of the file", () =>
    expectFault(raw("{}", 0, 5000n), "safetensors.truncated", /header length 5000 runs past the end/));

  it("absurd header lengths fail at once, without allocating", async () => {
    await expectFault(
      raw("{}", 0, 2n ** 63n),
      "safetensors.header_too_large",
      /exceeds the 100000000-byte limit/,
    );
    await expectFault(
      raw("{}", 0, BigInt(MAX_HEADER_BYTES + 1)),
      "safetensors.header_too_large",
      /header length 100000001/,
    );
  });

  it("invalid JSON, non-object JSON and non-UTF-8 headers", async () => {
    await expectFault(raw('{"w": {"dtype": "F32",'), "safetensors.invalid_json", /not valid JSON/);
    await expectFault(raw("[1, 2]"), "safetensors.bad_header", /not an object/);
    const bytes = raw("{}  ");
    bytes.set([0xff, 0xfe], 10);
    await expectFault(bytes, "safetensors.bad_header", /not valid UTF-8/);
  });

  it("unknown dtype", () =>
    expectFault(
      raw(JSON.stringify({ w: entry("F4", [2], 0, 1) }), 1),
      "safetensors.unknown_dtype",
      /"w".*"F4"/,
    ));

  it("malformed shapes and offsets", async () => {
    await expectFault(
      raw(JSON.stringify({ w: entry("F32", [-1], 0, 4) }), 4),
      "safetensors.bad_header",
      /shape/,
    );
    await expectFault(
      raw(JSON.stringify({ w: entry("F32", [1], 8, 4) }), 8),
      "safetensors.bad_header",
      /begin <= end/,
    );
    await expectFault(
      raw(JSON.stringify({ __metadata__: { n: 1 } })),
      "safetensors.bad_header",
      /__metadata__ must be an object of string values/,
    );
  });

  it("size mismatch between shape, dtype and offsets", () =>
    expectFault(
      raw(JSON.stringify({ w: entry("BF16", [3, 4], 0, 16) }), 16),
      "safetensors.size_mismatch",
      /"w": shape \[3, 4\] of BF16 needs 24 bytes but data_offsets \[0, 16\] span 16/,
    ));

  it("offsets outside the data section", () =>
    expectFault(
      raw(JSON.stringify({ a: entry("F32", [2], 0, 8), w: entry("F32", [2], 64, 72) }), 16),
      "safetensors.offset_out_of_bounds",
      /"w": data_offsets \[64, 72\] lie outside the 16-byte data section/,
    ));

  it("overlapping tensors", () =>
    expectFault(
      raw(JSON.stringify({ a: entry("F32", [4], 0, 16), b: entry("F32", [2], 8, 16) }), 16),
      "safetensors.overlap",
      /"a" \[0, 16\) and "b" \[8, 16\) overlap/,
    ));

  it("a file that shrinks after opening fails the read instead of hanging", async () => {
    const path = join(await tempDir(), "model.safetensors");
    await writeFile(path, good);
    const source = await openFileByteSource(path);
    const file = await openSafetensors(source);
    await writeFile(path, good.subarray(0, file.dataStart + 4));
    await expect(file.tensors.get("w")?.read()).rejects.toMatchObject({
      code: "safetensors.truncated",
      message: expect.stringContaining(path),
    });
    await file.close();
  });
});
