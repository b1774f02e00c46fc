import { GGUF_VALUE_TYPE, type GgufScalarType, type GgufValue } from "./gguf-types.js";

const utf8 = new TextEncoder();

/** A growable little-endian buffer for the GGUF header (metadata and tensor infos). */
export class ByteWriter {
  private bytes = new Uint8Array(1 << 16);
  private view = new DataView(this.bytes.buffer);
  private length = 0;

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  // Grows the buffer first, so `this.view` / `this.bytes` must be read after the call.
  private reserve(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, at + n));
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length += n;
    return at;
  }

  u8(v: number): void {
    const at = this.reserve(1);
    this.view.setUint8(at, v);
  }
  i8(v: number): void {
    const at = this.reserve(1);
    this.view.setInt8(at, v);
  }
  u16(v: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
  }
  i16(v: number): void {
    const at = this.reserve(2);
    this.view.setInt16(at, v, true);
  }
  u32(v: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
  }
  i32(v: number): void {
    const at = this.reserve(4);
    this.view.setInt32(at, v, true);
  }
  u64(v: bigint | number): void {
    const at = this.reserve(8);
    this.view.setBigUint64(at, BigInt(v), true);
  }
  i64(v: bigint): void {
    const at = this.reserve(8);
    this.view.setBigInt64(at, v, true);
  }
  f32(v: number): void {
    const at = this.reserve(4);
    this.view.setFloat32(at, v, true);
  }
  f64(v: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, v, true);
  }

  /** A GGUF string: u64 byte length, then UTF-8 bytes (no terminator). */
  string(s: string): void {
    const encoded = utf8.encode(s);
    this.u64(encoded.length);
    const at = this.reserve(encoded.length);
    this.bytes.set(encoded, at);
  }

  /** Zero bytes up to the next multiple of `alignment`. */
  pad(alignment: number): void {
    const n = (alignment - (this.length % alignment)) % alignment;
    const at = this.reserve(n);
    this.bytes.fill(0, at, this.length);
  }

  /** A metadata value with its type code in front. */
  value(v: GgufValue): void {
    this.u32(GGUF_VALUE_TYPE[v.type]);
    if (v.type !== "array") {
      this.scalar(v.type, v.value);
      return;
    }
    this.u32(GGUF_VALUE_TYPE[v.itemType]);
    this.u64(v.value.length);
    for (let i = 0; i < v.value.length; i++) this.scalar(v.itemType, v.value[i] as GgufValue["value"]);
  }

  private scalar(type: GgufScalarType, v: unknown): void {
    if (type === "string") this.string(v as string);
    else if (type === "bool") this.u8(v ? 1 : 0);
    else if (type === "u64") this.u64(v as bigint);
    else if (type === "i64") this.i64(v as bigint);
    else this[type](v as number);
  }

  /** The bytes written (a view; do not write after taking it). */
  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}
