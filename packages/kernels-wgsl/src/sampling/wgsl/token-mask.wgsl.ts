/**
 * WGSL for kernels that bind the `history` buffer: a logit as the sequence's token mask leaves
 * it (`maskAt` from `mask_start`, common.wgsl.ts). Bit `token & 31` of word `token >> 5`.
 */
export const TOKEN_MASK_WGSL = /* wgsl */ `
fn masked(x: f32, token: u32, maskAt: u32) -> f32 {
  if (maskAt == NO_MASK) { return x; }
  let word = history[maskAt + (token >> 5u)];
  return select(MASKED, x, ((word >> (token & 31u)) & 1u) != 0u);
}
`;
