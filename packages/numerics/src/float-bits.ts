// One f32 slot seen both as a float and as its bits: how a JS number becomes an f32 bit pattern
// (rounded to f32 on the way in) and back. Module state, but never observable between calls:
// every function writes the slot and reads it back before returning.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bits of `x` rounded to f32 (a uint32). */
export function f32Bits(x: number): number {
  f32[0] = x;
  return u32[0] as number;
}

/** The f32 value whose bits are `bits` (a uint32). */
export function f32FromBits(bits: number): number {
  u32[0] = bits;
  return f32[0] as number;
}
