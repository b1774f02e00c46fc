/** One uniform slot: kernels' parameter structs must fit in it (and it is the offset alignment). */
export const UNIFORM_SLOT_BYTES = 256;

/**
 * Packs a WGSL uniform struct made of 4-byte scalars (u32 / i32 / f32) in declaration order,
 * padded to 16 bytes as WGSL requires of a uniform struct's size.
 *
 * @example
 * const data = new UniformWriter().u32(numTokens).u32(width).f32(eps).finish();
 */
export class UniformWriter {
  private readonly view = new DataView(new ArrayBuffer(UNIFORM_SLOT_BYTES));
  private offset = 0;

  /** Appends an unsigned 32-bit field. */
  u32(value: number): this {
    this.view.setUint32(this.take(), value >>> 0, true);
    return this;
  }

  /** Appends a signed 32-bit field. */
  i32(value: number): this {
    this.view.setInt32(this.take(), value | 0, true);
    return this;
  }

  /** Appends an f32 field. */
  f32(value: number): this {
    this.view.setFloat32(this.take(), value, true);
    return this;
  }

  /** The packed bytes, length a multiple of 16. */
  finish(): Uint8Array {
    const size = Math.max(16, Math.ceil(this.offset / 16) * 16);
    return new Uint8Array(this.view.buffer, 0, size);
  }

  private take(): number {
    const at = this.offset;
    if (at + 4 > UNIFORM_SLOT_BYTES) throw new RangeError(`uniform struct over ${UNIFORM_SLOT_BYTES} bytes`);
    this.offset += 4;
    return at;
  }
}
