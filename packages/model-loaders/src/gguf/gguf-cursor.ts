import { GgufError } from "../errors.js";
import type { ByteSource } from "../safetensors/byte-source.js";

// The header is read in windows of this size: a 150k-token vocabulary is a few MB of strings,
// read in a handful of reads instead of one per string.
const WINDOW = 1 << 20;

const utf8 = new TextDecoder("utf-8");

/**
 * Sequential little-endian reads over a {@link ByteSource}, buffered, for parsing a GGUF header.
 * Every read first checks that its bytes exist, so a truncated file or an absurd length fails
 * with `gguf.truncated` naming `what` instead of allocating or looping on it.
 */
export class GgufCursor {
  /** Absolute offset of the next read. */
  offset = 0;
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  private bufStart = 0;

  constructor(readonly source: ByteSource) {}

  /** Bytes left in the file after the cursor. */
  get remaining(): number {
    return this.source.size - this.offset;
  }

  /** Throws `gguf.<code>` naming the file. */
  fail(code: string, reason: string, details: Record<string, unknown> = {}): never {
    throw new GgufError(`gguf.${code}`, `${this.source.name}: ${reason}`, {
      details: { file: this.source.name, ...details },
    });
  }

  /** Makes `[offset, offset + n)` readable from the buffer; `what` names the field for errors. */
  async need(n: number, what: string): Promise<void> {
    const at = this.offset - this.bufStart;
    if (at >= 0 && at + n <= this.buf.length) return;
    if (!Number.isSafeInteger(n) || n > this.remaining) {
      this.fail(
        "truncated",
        `${what} needs ${n} bytes at offset ${this.offset}, but the file ends at ${this.source.size}`,
        { offset: this.offset, field: what },
      );
    }
    const length = Math.min(Math.max(n, WINDOW), this.remaining);
    const buf = new Uint8Array(length);
    await this.source.readInto(this.offset, buf);
    this.buf = buf;
    this.view = new DataView(buf.buffer);
    this.bufStart = this.offset;
  }

  private take(n: number): number {
    const at = this.offset - this.bufStart;
    this.offset += n;
    return at;
  }

  async u32(what: string): Promise<number> {
    await this.need(4, what);
    return this.view.getUint32(this.take(4), true);
  }

  /** A u64 as a number; above 2^53 it fails as `gguf.bad_header` (no real count or size is that big). */
  async u64(what: string): Promise<number> {
    await this.need(8, what);
    const v = this.view.getBigUint64(this.take(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail("bad_header", `${what} is ${v}, which is absurd`);
    return Number(v);
  }

  /**
   * A count of items each at least `minBytes` long: more than the rest of the file could hold
   * fails as `gguf.truncated` before anything is allocated for them.
   */
  async count(what: string, minBytes: number): Promise<number> {
    const n = await this.u64(what);
    if (n * minBytes > this.remaining) {
      this.fail(
        "truncated",
        `${what} is ${n}, but only ${this.remaining} bytes follow (at least ${minBytes} per item)`,
        { field: what, count: n },
      );
    }
    return n;
  }

  /** A GGUF string: u64 byte length, then UTF-8. */
  async string(what: string): Promise<string> {
    const n = await this.count(`the length of ${what}`, 1);
    await this.need(n, what);
    const at = this.take(n);
    return utf8.decode(this.buf.subarray(at, at + n));
  }

  /** `n` raw bytes (a view into the buffer: copy before the next read if kept). */
  async bytes(n: number, what: string): Promise<DataView> {
    await this.need(n, what);
    const at = this.take(n);
    return new DataView(this.buf.buffer, at, n);
  }
}
