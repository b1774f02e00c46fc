/**
 * WGSL of Philox4x32-10 and the bits→uniform map, the twins of `philox4x32` and
 * `uniformFromBits` in ../philox.ts (same constants, same 16-bit split of the high product).
 */
export const PHILOX_WGSL = /* wgsl */ `
const SAMPLE_STREAM: u32 = 0x53414d50u;

fn mulhi32(a: u32, b: u32) -> u32 {
  let aL = a & 0xffffu;
  let aH = a >> 16u;
  let bL = b & 0xffffu;
  let bH = b >> 16u;
  let ll = aL * bL;
  let lh = aL * bH;
  let hl = aH * bL;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return aH * bH + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

fn philox4x32_10(counter: vec4u, key: vec2u) -> vec4u {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    if (round > 0u) { k += vec2u(0x9e3779b9u, 0xbb67ae85u); }
    let hi0 = mulhi32(0xd2511f53u, c.x);
    let lo0 = 0xd2511f53u * c.x;
    let hi1 = mulhi32(0xcd9e8d57u, c.z);
    let lo1 = 0xcd9e8d57u * c.z;
    c = vec4u(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
  }
  return c;
}

// Exact in f32: 23 random bits plus one half, scaled by 2^-23; never 0 or 1.
fn uniform_from_bits(bits: u32) -> f32 {
  return (f32(bits >> 9u) + 0.5) * 1.1920928955078125e-7;
}
`;
