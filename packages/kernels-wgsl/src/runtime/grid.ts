/** Largest workgroup count per dimension every WebGPU device allows. */
export const MAX_WORKGROUPS_PER_DIM = 65_535;

/**
 * Spreads `count` workgroups over x and y so neither passes 65,535. Kernels recover the flat
 * index as `wid.x + wid.y * nwg.x` (see {@link FLAT_WORKGROUP_WGSL}) and skip indices ≥ count.
 */
export function grid(count: number): [number, number] {
  if (count <= MAX_WORKGROUPS_PER_DIM) return [count, 1];
  const y = Math.ceil(count / MAX_WORKGROUPS_PER_DIM);
  return [Math.ceil(count / y), y];
}

/** WGSL helper matching {@link grid}: the flat workgroup index. */
export const FLAT_WORKGROUP_WGSL = /* wgsl */ `
fn flat_workgroup(wid: vec3u, nwg: vec3u) -> u32 { return wid.x + wid.y * nwg.x; }`;
